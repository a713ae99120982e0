// JSON files from users (config.json, tokenizer.json, indexes, recipes): parsed with a message
// that names the file, and required to be an object.

export function parseJsonObject(text: string, fileName: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`${fileName} is not valid JSON (${(e as Error).message})`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${fileName} must hold a JSON object`);
  return v as Record<string, unknown>;
}
