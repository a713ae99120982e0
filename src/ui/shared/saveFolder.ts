// Writes files into a folder the user picks, through the File System Access API where the
// browser has it (Chromium): the picked folder gets one sub-folder of the given name holding the
// files, ready for from_pretrained. Elsewhere canSaveFolder() is false and callers offer a download.

interface DirectoryHandle {
  name: string;
  getDirectoryHandle(name: string, options: { create: boolean }): Promise<DirectoryHandle>;
  getFileHandle(name: string, options: { create: boolean }): Promise<{ createWritable(): Promise<{ write(data: BlobPart): Promise<void>; close(): Promise<void> }> }>;
}

type DirectoryPicker = (options: { id?: string; mode: 'readwrite' }) => Promise<DirectoryHandle>;

const picker = () => (window as unknown as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker;

export function canSaveFolder(): boolean {
  return typeof picker() === 'function';
}

/**
 * Asks for a folder (call it straight from the click, while it counts as the user's gesture),
 * then writes what `files()` resolves to into `<picked>/<folder>/`, replacing files of the same
 * names. Resolves to the path written, as the user sees it; a closed picker rejects with AbortError.
 */
export async function saveToFolder(folder: string, files: () => Promise<{ name: string; bytes: Uint8Array }[]>): Promise<string> {
  const pick = picker();
  if (!pick) throw new Error('this browser cannot write folders (no File System Access API); export the .zip instead');
  const parent = await pick({ id: 'studio-export', mode: 'readwrite' });
  const dir = await parent.getDirectoryHandle(folder, { create: true });
  for (const f of await files()) {
    const w = await (await dir.getFileHandle(f.name, { create: true })).createWritable();
    await w.write(f.bytes as Uint8Array<ArrayBuffer>);
    await w.close();
  }
  return `${parent.name}/${folder}`;
}
