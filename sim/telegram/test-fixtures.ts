/** A 2×1 PNG, for photo tests. */
export const pngBytes = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAEElEQVR4nGP4z8DAwMDAAAAHCgEAk6PNrgAAAABJRU5ErkJggg==",
  "base64",
);

export function pngForm(fields: Record<string, string>, field = "photo", fileName = "image.png"): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append(field, new Blob([pngBytes]), fileName);
  return form;
}
