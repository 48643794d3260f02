-- The FTS5 index matched over every tenant's passages before the tenant filter (and bm25 ranked with
-- every tenant's statistics); knowledge_terms (0005) replaces it with a tenant-scoped index. Documents
-- indexed before are reindexed from their body on their tenant's next search (index_version 0).
DROP TABLE `knowledge_fts`;
