"""Status codes the native API answers with on success.

The seed (Aritic Desk's documentation of Zammad's API) gives 200 for every call, creates
included, while Zammad itself answers 201 Created to a create. Helpline follows the seed;
this one constant switches every create endpoint to 201.
"""

from __future__ import annotations

CREATED = 200
