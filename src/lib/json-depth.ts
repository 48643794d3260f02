/** Deepest nesting accepted in client JSON (metadata): deeper structures cannot cross RPC or be stored safely. */
export const MAX_JSON_DEPTH = 32;

/** True if `value` nests no deeper than `max` levels (the value itself is level 1). Iterative: no stack to exhaust. */
export function withinDepth(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== "object") continue;
    if (depth > max) return false;
    for (const child of Object.values(current as object)) stack.push([child, depth + 1]);
  }
  return true;
}
