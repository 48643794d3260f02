export function mintToken(
  secret: string,
  who: {
    tenantId: number;
    userId: number;
    role?: "admin" | "user";
    ttlSeconds?: number;
    claims?: Record<string, unknown>;
  },
): Promise<string>;
