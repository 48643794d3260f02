// @ts-check
// The bearer token. It arrives in the link's fragment (#token=…, which browsers never send to a server, so it
// reaches no log), or pasted into the sign-in form; it is kept in sessionStorage (this tab only, gone when the
// tab closes) and the fragment is removed from the address bar at once.

const STORE = "krs.token";

/** Moves a #token=… of the address into storage and out of the address (and the history). */
export function takeTokenFromAddress() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get("token");
  if (token === null) return;
  params.delete("token");
  const rest = params.toString();
  history.replaceState(null, "", `${location.pathname}${location.search}${rest ? `#${rest}` : ""}`);
  if (token) signIn(token);
}

/** @returns {string | null} */
export const currentToken = () => sessionStorage.getItem(STORE);

/** @param {string} token */
export function signIn(token) {
  sessionStorage.setItem(STORE, token.trim());
}

export function signOut() {
  sessionStorage.removeItem(STORE);
}

/** Three base64url parts: the shape of a JWT (the service checks the rest). @param {string} token */
export const looksLikeToken = (token) => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token.trim());

/**
 * What the page shows about the signed-in person, read from the token without verifying it (the service
 * verifies every request; this only decides what to show, e.g. the knowledge page for tenant admins).
 * @param {string} token
 * @returns {{ tenant: string, user: string, admin: boolean, expiresAt: number | null }}
 */
export function claimsOf(token) {
  try {
    const part = token.split(".")[1] ?? "";
    const bytes = Uint8Array.from(atob(part.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    const text = (/** @type {unknown} */ v) => (typeof v === "string" || typeof v === "number" ? String(v) : "?");
    return {
      tenant: text(claims.tenant_id),
      user: text(claims.user_id ?? claims.sub),
      admin: claims.role === "admin",
      expiresAt: typeof claims.exp === "number" ? claims.exp * 1000 : null,
    };
  } catch {
    return { tenant: "?", user: "?", admin: false, expiresAt: null };
  }
}
