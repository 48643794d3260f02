/** Where an ended session's transcript lives in the ARCHIVE bucket; the prefix serves erasure by user. */
export const archivePrefix = (tenantId: number, userId: number) => `sessions/${tenantId}/${userId}/`;
export const archiveKey = (tenantId: number, userId: number, sessionId: string) =>
  `${archivePrefix(tenantId, userId)}${sessionId}.jsonl`;
