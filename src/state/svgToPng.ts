// Rasterises a standalone SVG document (a report chart) to PNG bytes in the browser, at twice
// its size so the PNG stays sharp on slides.
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await img.decode();
  const w = Math.max(1, Math.round((img.naturalWidth || 640) * scale));
  const h = Math.max(1, Math.round((img.naturalHeight || 400) * scale));
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser cannot draw on a canvas, so charts cannot be saved as PNG');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.drawImage(img, 0, 0, w, h);
  return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
}
