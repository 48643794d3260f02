/**
 * One query for a search: the tenant's statistics row, whether any of its
 * documents awaits reindexing, and its postings for the lookups: ?2 exact
 * terms, ?3 terms extending a key (a range), ?4 reversed keys (compounds
 * ending in a key, a range over `reversed`). Every arm seeks (tenant_id, …)
 * indexes, so it reads the tenant's own rows only, and of those only the
 * lookups' (CROSS JOIN keeps the lookups the outer loop: SQLite would rather
 * scan the tenant's rows). ?5 is INDEX_VERSION.
 * The three lookups may find one row twice; the caller keeps it once.
 */
const HIT = `'hit' AS kind, t.term, t.passage_id, t.document_id, t.body_count, t.in_heading, t.in_title, t.passage_length`;
/** Past every real character: `key || MAX` bounds the range of terms that start with key. */
const MAX = "char(1114111)";

export const postingsQuery = `
SELECT 'stats' AS kind, NULL AS term, passages AS passage_id, NULL AS document_id, total_length AS body_count,
       NULL AS in_heading, NULL AS in_title, NULL AS passage_length
  FROM knowledge_stats WHERE tenant_id = ?1
UNION ALL
SELECT 'stale', NULL, NULL, NULL, NULL, NULL, NULL, NULL
 WHERE EXISTS (SELECT 1 FROM knowledge_documents WHERE tenant_id = ?1 AND index_version < ?5)
UNION ALL
SELECT ${HIT} FROM json_each(?2) e CROSS JOIN knowledge_terms t WHERE t.tenant_id = ?1 AND t.term = e.value
UNION ALL
SELECT ${HIT} FROM json_each(?3) e
  CROSS JOIN knowledge_terms t WHERE t.tenant_id = ?1 AND t.term > e.value AND t.term < e.value || ${MAX}
UNION ALL
SELECT ${HIT} FROM json_each(?4) e
  CROSS JOIN knowledge_terms t WHERE t.tenant_id = ?1 AND t.reversed >= e.value AND t.reversed < e.value || ${MAX}`;
