// Vite's ?raw imports (the shipped example document, read at build time).
declare module "*.md?raw" {
  const text: string;
  export default text;
}
