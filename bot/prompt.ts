export const maxPromptLength = 1000;

export type PromptCheck =
  | { ok: true; prompt: string }
  | { ok: false; problem: "empty" }
  | { ok: false; problem: "too-long"; length: number };

// C0/C1 controls and invisible format characters (zero-width space, joiners, BOM, direction marks)
const invisible = /[\p{Cc}\p{Cf}]/gu;

/**
 * Checks a prompt as the user typed it. Control characters turn into spaces and the ends are
 * trimmed; what is left must be non-empty and at most 1000 characters (UTF-16 units, as the job
 * schema counts them). A prompt of spaces and control characters only counts as empty.
 */
export function checkPrompt(raw: string | undefined): PromptCheck {
  const prompt = (raw ?? "").replace(invisible, " ").replace(/\s+/g, " ").trim();
  if (prompt.length === 0) return { ok: false, problem: "empty" };
  if (prompt.length > maxPromptLength) return { ok: false, problem: "too-long", length: prompt.length };
  return { ok: true, prompt };
}
