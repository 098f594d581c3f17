import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { callBotApi, callOk } from "./api-client.js";
import { startTelegramEmulator, type TelegramEmulator } from "./emulator.js";
import { pngBytes, pngForm } from "./test-fixtures.js";
import type { Message } from "./types.js";

let tg: TelegramEmulator;

beforeEach(async () => {
  tg = await startTelegramEmulator({ limits: { enabled: false } });
  tg.user(41);
});
afterEach(async () => {
  await tg.close();
});

describe("photos and documents", () => {
  it("takes a multipart photo upload, answers photo sizes with a file_id, and records the bytes", async () => {
    const message = await callOk<Message>(
      tg.apiRoot,
      tg.token,
      "sendPhoto",
      pngForm({ chat_id: "41", caption: "a cat" }),
    );
    const largest = message.photo?.at(-1);
    expect(largest).toMatchObject({
      width: 2,
      height: 1,
      file_size: pngBytes.length,
      file_id: expect.any(String),
    });
    expect(message.caption).toBe("a cat");
    const [photo] = tg.chat(41).photos();
    expect(photo?.bytes.equals(pngBytes)).toBe(true);
    expect(photo?.fileId).toBe(largest?.file_id);
    expect(photo?.caption).toBe("a cat");
  });

  it("sends a photo again by file_id, with the same bytes", async () => {
    const first = await callOk<Message>(tg.apiRoot, tg.token, "sendPhoto", pngForm({ chat_id: "41" }));
    const fileId = first.photo?.at(-1)?.file_id;
    const again = await callOk<Message>(tg.apiRoot, tg.token, "sendPhoto", { chat_id: 41, photo: fileId });
    expect(again.photo?.at(-1)?.file_id).toBe(fileId);
    expect(
      tg
        .chat(41)
        .photos()
        .map((p) => p.bytes.equals(pngBytes)),
    ).toEqual([true, true]);
  });

  it("fetches a photo given by URL", async () => {
    const server = createServer((_req, res) => res.end(pngBytes));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cat.png`;
      await callOk(tg.apiRoot, tg.token, "sendPhoto", { chat_id: 41, photo: url });
      expect(tg.chat(41).photos()[0]?.bytes.equals(pngBytes)).toBe(true);
    } finally {
      server.close();
    }
  });

  it("serves a sent file through getFile and /file/bot<token>/<file_path>", async () => {
    const doc = await callOk<Message>(
      tg.apiRoot,
      tg.token,
      "sendDocument",
      pngForm({ chat_id: "41" }, "document", "result.png"),
    );
    expect(doc.document).toMatchObject({
      file_name: "result.png",
      mime_type: "image/png",
      file_size: pngBytes.length,
    });
    const file = await callOk<{ file_path: string }>(tg.apiRoot, tg.token, "getFile", {
      file_id: doc.document?.file_id,
    });
    const res = await fetch(`${tg.apiRoot}/file/bot${tg.token}/${file.file_path}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(pngBytes)).toBe(true);
    expect(tg.chat(41).documents()[0]).toMatchObject({ fileName: "result.png" });
  });

  it("lets the bot download a photo a user sent", async () => {
    const update = tg.user(41).sendPhoto(pngBytes, "make it blue");
    const fileId = update.message.photo?.at(-1)?.file_id;
    const file = await callOk<{ file_path: string }>(tg.apiRoot, tg.token, "getFile", { file_id: fileId });
    const res = await fetch(`${tg.apiRoot}/file/bot${tg.token}/${file.file_path}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(pngBytes)).toBe(true);
  });

  it.each([
    // no photo at all
    { params: { chat_id: 41 }, description: "Bad Request: there is no photo in the request" },
    // a file_id Telegram never issued
    {
      params: { chat_id: 41, photo: "AgACnope" },
      description: "Bad Request: wrong file identifier/HTTP URL specified",
    },
    // a URL that can't be fetched
    {
      params: { chat_id: 41, photo: "http://127.0.0.1:9/x.png" },
      description: "Bad Request: failed to get HTTP URL content",
    },
  ])("refuses a bad photo: $description", async ({ params, description }) => {
    const res = await callBotApi(tg.apiRoot, tg.token, "sendPhoto", params);
    expect(res.body).toEqual({ ok: false, error_code: 400, description });
  });

  it("refuses bytes that aren't an image with IMAGE_PROCESS_FAILED, and a document id used as a photo", async () => {
    const form = new FormData();
    form.append("chat_id", "41");
    form.append("photo", new Blob([Buffer.from("not an image")]), "x.jpg");
    const res = await callBotApi(tg.apiRoot, tg.token, "sendPhoto", form);
    expect(res.body).toEqual({
      ok: false,
      error_code: 400,
      description: "Bad Request: IMAGE_PROCESS_FAILED",
    });

    const doc = await callOk<Message>(
      tg.apiRoot,
      tg.token,
      "sendDocument",
      pngForm({ chat_id: "41" }, "document"),
    );
    const wrongKind = await callBotApi(tg.apiRoot, tg.token, "sendPhoto", {
      chat_id: 41,
      photo: doc.document?.file_id,
    });
    expect(wrongKind.body).toMatchObject({
      description: "Bad Request: can't use file of type Document as Photo",
    });
  });
});
