import { randomBytes } from "node:crypto";
import type { Document, PhotoSize } from "./types.js";

export type FileKind = "photo" | "document";

export type StoredFile = {
  kind: FileKind;
  fileId: string;
  fileUniqueId: string;
  bytes: Buffer;
  filePath: string;
  fileName?: string;
  mimeType?: string;
  width?: number;
  height?: number;
};

const idPrefix: Record<FileKind, string> = { photo: "AgACAgIAAxk", document: "BQACAgIAAxk" };

/** Files the bot or users sent, by file_id, with their bytes: reusable by id and downloadable by path. */
export class FileStore {
  private readonly byId = new Map<string, StoredFile>();
  private readonly byPath = new Map<string, StoredFile>();
  private counter = 0;

  add(
    kind: FileKind,
    bytes: Buffer,
    meta: Partial<Pick<StoredFile, "fileName" | "mimeType" | "width" | "height">>,
  ) {
    this.counter += 1;
    const ext = kind === "photo" ? "jpg" : (meta.fileName?.split(".").pop() ?? "dat");
    const file: StoredFile = {
      kind,
      fileId: `${idPrefix[kind]}${randomBytes(24).toString("base64url")}`,
      fileUniqueId: `AQAD${randomBytes(9).toString("base64url")}`,
      bytes,
      filePath: `${kind === "photo" ? "photos" : "documents"}/file_${this.counter}.${ext}`,
      ...meta,
    };
    this.byId.set(file.fileId, file);
    this.byPath.set(file.filePath, file);
    return file;
  }

  get(fileId: string): StoredFile | undefined {
    return this.byId.get(fileId);
  }

  byFilePath(path: string): StoredFile | undefined {
    return this.byPath.get(path);
  }

  get size(): number {
    return this.byId.size;
  }
}

/** Telegram sends a photo in several sizes; the emulator doesn't resample, so each size names the original bytes. */
export function photoSizes(file: StoredFile): PhotoSize[] {
  const width = file.width ?? 0;
  const height = file.height ?? 0;
  const sizes: PhotoSize[] = [];
  const longest = Math.max(width, height);
  if (longest > 90) {
    const scale = 90 / longest;
    sizes.push({
      file_id: file.fileId,
      file_unique_id: file.fileUniqueId,
      width: Math.max(1, Math.round(width * scale)),
      height: Math.max(1, Math.round(height * scale)),
      file_size: file.bytes.length,
    });
  }
  sizes.push({
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    width,
    height,
    file_size: file.bytes.length,
  });
  return sizes;
}

export function documentOf(file: StoredFile): Document {
  const doc: Document = {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    file_size: file.bytes.length,
  };
  if (file.fileName) doc.file_name = file.fileName;
  if (file.mimeType) doc.mime_type = file.mimeType;
  return doc;
}
