"""Full-text search over every kind of document, behind one interface.

SQLite: an FTS5 table; PostgreSQL: a weighted tsvector column with a GIN index. Apps
declare their document kinds (``registry``); queries use one language (``query``); the
index is written in the same transaction as the change it reflects (``services.index``).
"""
