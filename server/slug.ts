/**
 * Lowercase ASCII letters and digits joined by single hyphens. Accents are dropped after NFKD splits them off,
 * so "Crème" becomes "creme" rather than "cre-me".
 */
export function slugBase(name: string, maxLength: number): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, maxLength)
    .replace(/-+$/, "");
}
