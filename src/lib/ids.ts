import type { Owner } from "../session-types";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const encoder = new TextEncoder();
const hex = (bytes: Uint8Array) => [...bytes].map((x) => x.toString(16).padStart(2, "0")).join("");

/**
 * Session ids are v4-shaped UUIDs: 60 random bits, then 62 bits of an HMAC
 * over (tenant, user, random part). The worker can therefore tell, with no
 * I/O, whether an id was issued to the caller: unknown and foreign ids are
 * answered 404 without touching any object or D1 row, and nobody can guess
 * another user's id. The key names sessions, so it must never be rotated.
 */
export class SessionIds {
  private static keys = new Map<string, Promise<CryptoKey>>();
  /**
   * Ids already checked, per secret, by owner and id: a client names the
   * same session on every request, and the HMAC is most of a lookup's cost.
   * The verdict never changes for a given secret, so entries need no expiry;
   * the bound keeps an isolate's memory flat.
   */
  private static checked = new Map<string, Map<string, boolean>>();
  private static readonly CHECKED_SIZE = 4096;
  private readonly verdicts: Map<string, boolean>;
  private readonly key: Promise<CryptoKey>;

  constructor(secret: string) {
    let key = SessionIds.keys.get(secret);
    if (!key) {
      key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      SessionIds.keys.set(secret, key);
    }
    this.key = key;
    let verdicts = SessionIds.checked.get(secret);
    if (!verdicts) {
      verdicts = new Map();
      SessionIds.checked.set(secret, verdicts);
    }
    this.verdicts = verdicts;
  }

  /** A new random id for the owner. */
  mint(owner: Owner): Promise<string> {
    return this.seal(owner, crypto.getRandomValues(new Uint8Array(8)));
  }

  /** The normalized id if it is well formed and was issued to this owner, else null. */
  async verify(owner: Owner, raw: unknown): Promise<string | null> {
    if (typeof raw !== "string") return null;
    const id = raw.trim().toLowerCase();
    if (!UUID.test(id)) return null;
    const cacheKey = `${owner.tenantId}\n${owner.userId}\n${id}`;
    let ok = this.verdicts.get(cacheKey);
    if (ok === undefined) {
      const bytes = Uint8Array.from(id.replace(/-/g, "").match(/../g) as string[], (h) => Number.parseInt(h, 16));
      ok = (await this.seal(owner, bytes.slice(0, 8))) === id;
      if (this.verdicts.size >= SessionIds.CHECKED_SIZE)
        this.verdicts.delete(this.verdicts.keys().next().value as string);
      this.verdicts.set(cacheKey, ok);
    }
    return ok ? id : null;
  }

  private async seal(owner: Owner, random: Uint8Array): Promise<string> {
    const b = new Uint8Array(16);
    b.set(random.slice(0, 8));
    b[6] = ((b[6] as number) & 0x0f) | 0x40; // version 4
    const tag = await this.mac(`id\n${owner.tenantId}\n${owner.userId}\n${hex(b.slice(0, 8))}`);
    b.set(tag.slice(0, 8), 8);
    b[8] = ((b[8] as number) & 0x3f) | 0x80; // RFC 4122 variant
    const h = hex(b);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  private async mac(message: string): Promise<Uint8Array> {
    return new Uint8Array(await crypto.subtle.sign("HMAC", await this.key, encoder.encode(message)));
  }
}
