import { badRequest } from "./api-error.js";
import type { EmulatorCore } from "./emulator-core.js";
import type { FileKind, StoredFile } from "./file-store.js";
import { imageSize } from "./image-size.js";
import type { RawParams } from "./request-body.js";

const maxPhotoBytes = 10 * 1024 * 1024;
const urlTimeoutMs = 10_000;

const mimeByExt: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  pdf: "application/pdf",
  txt: "text/plain",
  json: "application/json",
  zip: "application/zip",
};

type NewBytes = { bytes: Buffer; fileName?: string; mimeType?: string };

/**
 * The file a send method names in `field`, as Telegram accepts it: an upload in the multipart body
 * (under the field's name or "attach://<name>"), a file_id sent before, or an HTTP URL to fetch.
 * New bytes are stored and get a file_id; a reused file_id keeps its file.
 */
export async function resolveMedia(
  core: EmulatorCore,
  kind: FileKind,
  params: RawParams,
): Promise<StoredFile> {
  const value = params.fields[kind];
  const attached = typeof value === "string" && value.startsWith("attach://") ? value.slice(9) : kind;
  const upload = params.files.get(attached);
  if (upload) return store(core, kind, upload);
  if (typeof value !== "string" || value === "") throw badRequest(`there is no ${kind} in the request`);
  if (/^https?:\/\//i.test(value)) return store(core, kind, await fetchUrl(value));
  const known = core.files.get(value);
  if (!known) throw badRequest("wrong file identifier/HTTP URL specified");
  if (known.kind !== kind) throw badRequest(`can't use file of type ${title(known.kind)} as ${title(kind)}`);
  return known;
}

function title(kind: FileKind): string {
  return kind === "photo" ? "Photo" : "Document";
}

async function fetchUrl(url: string): Promise<NewBytes> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(urlTimeoutMs) });
    if (!res.ok) throw new Error(`status ${res.status}`);
    const fileName = new URL(url).pathname.split("/").pop() || undefined;
    const mimeType = res.headers.get("content-type")?.split(";")[0] ?? undefined;
    return { bytes: Buffer.from(await res.arrayBuffer()), fileName, mimeType };
  } catch {
    throw badRequest("failed to get HTTP URL content");
  }
}

function store(core: EmulatorCore, kind: FileKind, input: NewBytes): StoredFile {
  if (input.bytes.length === 0) throw badRequest("file must be non-empty");
  const ext = input.fileName?.split(".").pop()?.toLowerCase() ?? "";
  const generic =
    !input.mimeType || input.mimeType === "application/octet-stream" || input.mimeType === "text/plain";
  const mimeType = generic ? (mimeByExt[ext] ?? input.mimeType) : input.mimeType;
  const meta = {
    fileName: input.fileName,
    mimeType,
    width: undefined as number | undefined,
    height: undefined as number | undefined,
  };
  const image = imageSize(input.bytes);
  if (kind === "photo") {
    if (input.bytes.length > maxPhotoBytes) throw badRequest("PHOTO_INVALID_DIMENSIONS");
    if (!image && core.validateImages) throw badRequest("IMAGE_PROCESS_FAILED");
    meta.width = image?.width ?? 0;
    meta.height = image?.height ?? 0;
    meta.mimeType = image ? `image/${image.format}` : mimeType;
  }
  return core.files.add(kind, input.bytes, meta);
}
