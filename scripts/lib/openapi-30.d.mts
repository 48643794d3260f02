export function toOpenApi30<T extends object>(doc: T): T & { openapi: "3.0.3" };
