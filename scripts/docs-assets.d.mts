export const SCALAR_TARGET: string;
export function copyDocsAssets(): void;
