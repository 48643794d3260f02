import type { ChatSessionRow } from "../db/schema";
import type { ConversationView, MessageView, Owner, Role, SessionInfo } from "../session-types";
import type { MessageRecord, SessionRecord } from "./schema";

/** A stored message as the API shows it. */
export const toMessage = (m: MessageRecord): MessageView => ({
  id: m.id,
  seq: m.seq,
  role: m.role as Role,
  content: m.content,
  metadata: JSON.parse(m.metadata),
  created_at: m.created_at,
  origin: m.origin === "service" ? "service" : "client",
});

/** The object's record as its D1 index row (what the outbox sends). */
export const toIndexRow = (s: SessionRecord): ChatSessionRow => ({
  id: s.id,
  tenantId: s.tenant_id,
  userId: s.user_id,
  createdAt: s.created_at,
  lastMessageAt: s.last_message_at,
  messageCount: s.message_count,
  endedAt: s.ended_at,
  endReason: s.end_reason,
  processedForLtm: s.processed_for_ltm === 1,
  isDeleted: s.is_deleted === 1,
  deletedAt: s.deleted_at,
  indexVersion: s.index_version,
});

/** A session as the API shows it, from its index row (lists) or the object's record (via toIndexRow). */
export const sessionInfo = (r: ChatSessionRow): SessionInfo => ({
  id: r.id,
  tenant_id: r.tenantId,
  user_id: r.userId,
  status: r.endedAt === null ? "active" : "ended",
  created_at: r.createdAt,
  last_message_at: r.lastMessageAt,
  message_count: r.messageCount,
  ended_at: r.endedAt,
  processed_for_ltm: r.processedForLtm,
});

export const infoOf = (s: SessionRecord): SessionInfo => sessionInfo(toIndexRow(s));

/** The session as a conversation (/v1): the same record, with the client's labels. */
export const conversationOf = (s: SessionRecord): ConversationView => ({
  id: s.id,
  status: s.ended_at === null ? "active" : "ended",
  created_at: s.created_at,
  metadata: JSON.parse(s.conversation_metadata),
});

/** Another tenant's or user's session, or a deleted one, does not exist for the caller. */
export const isVisibleTo = (s: SessionRecord, owner: Owner): boolean =>
  s.tenant_id === owner.tenantId && s.user_id === owner.userId && s.is_deleted === 0;
