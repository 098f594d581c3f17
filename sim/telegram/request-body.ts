import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import busboy from "busboy";
import { ApiError, badRequest } from "./api-error.js";

export type UploadedFile = { fieldName: string; fileName: string; mimeType: string; bytes: Buffer };

/** A Bot API call's parameters: scalar fields (strings from forms, any JSON from JSON bodies) and uploads. */
export type RawParams = { fields: Record<string, unknown>; files: Map<string, UploadedFile> };

/** Telegram's upload cap for bots using the cloud Bot API. */
const maxBodyBytes = 50 * 1024 * 1024;

/**
 * Reads a Bot API request body the way Telegram accepts it: JSON, x-www-form-urlencoded or
 * multipart/form-data, merged over query-string parameters (the body wins).
 */
export async function readParams(
  headers: IncomingHttpHeaders,
  body: Readable,
  query: URLSearchParams = new URLSearchParams(),
): Promise<RawParams> {
  const fields: Record<string, unknown> = Object.fromEntries(query);
  const files = new Map<string, UploadedFile>();
  const type = (headers["content-type"] ?? "").toLowerCase();
  if (type.startsWith("multipart/form-data")) {
    await readMultipart(headers, body, fields, files);
    return { fields, files };
  }
  const raw = await readAll(body);
  if (raw.length === 0) return { fields, files };
  if (type.startsWith("application/x-www-form-urlencoded")) {
    Object.assign(fields, Object.fromEntries(new URLSearchParams(raw.toString("utf8"))));
  } else if (type.startsWith("application/json") || type === "") {
    Object.assign(fields, parseJsonObject(raw));
  }
  return { fields, files };
}

function parseJsonObject(raw: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch {
    throw badRequest("can't parse JSON object");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw badRequest("JSON object expected");
  }
  return parsed as Record<string, unknown>;
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > maxBodyBytes) throw new ApiError(413, "Request Entity Too Large");
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function readMultipart(
  headers: IncomingHttpHeaders,
  body: Readable,
  fields: Record<string, unknown>,
  files: Map<string, UploadedFile>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers, limits: { fileSize: maxBodyBytes, fieldSize: maxBodyBytes } });
    } catch {
      reject(badRequest("can't parse multipart/form-data request"));
      return;
    }
    const pending: Promise<void>[] = [];
    parser.on("field", (name, value) => {
      fields[name] = value;
    });
    parser.on("file", (name, stream, info) => {
      pending.push(
        readAll(stream).then((bytes) => {
          files.set(name, {
            fieldName: name,
            fileName: info.filename ?? name,
            mimeType: info.mimeType,
            bytes,
          });
        }),
      );
    });
    parser.on("error", () => reject(badRequest("can't parse multipart/form-data request")));
    parser.on("close", () => {
      Promise.all(pending).then(() => resolve(), reject);
    });
    body.pipe(parser);
  });
}
