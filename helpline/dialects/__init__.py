"""The legacy API dialects: thin doors that speak an older system's API over Helpline's services."""
