/** A urlencoded form body: repeated fields arrive as arrays. */
export type FormBody = Record<string, string | string[] | undefined>;

export function first(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

export function list(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
