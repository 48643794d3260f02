-- Full-text index over knowledge_passages (external content: text is stored once, in the passages).
-- remove_diacritics 2 lets "tavmunka" find "távmunka". The repository keeps it in sync in the same
-- D1 batch as the passages it indexes (no triggers).
CREATE VIRTUAL TABLE `knowledge_fts` USING fts5(`text`, content='knowledge_passages', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
