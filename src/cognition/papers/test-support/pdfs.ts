import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A PDF with a text layer: one entry per page, each line drawn as text. */
export async function textPdf(pages: string[], options: { title?: string } = {}): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  if (options.title !== undefined) document.setTitle(options.title);
  const font = await document.embedFont(StandardFonts.Helvetica);
  for (const text of pages) {
    const page = document.addPage([595, 842]);
    text.split('\n').forEach((line, index) => page.drawText(line, { x: 50, y: 780 - index * 16, size: 11, font }));
  }
  return document.save();
}

/** A PDF whose pages hold only a drawn shape, no text: what a scanned paper looks like to a text extractor. */
export async function scannedPdf(): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  for (let index = 0; index < 2; index++)
    document.addPage([595, 842]).drawRectangle({ x: 40, y: 40, width: 500, height: 700 });
  return document.save();
}

/**
 * A minimal PDF with a Standard security handler (/Encrypt) whose user password is not
 * empty, written by hand: pdf-lib cannot encrypt.
 */
export function encryptedPdf(): Uint8Array {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
    `<< /Filter /Standard /V 1 /R 2 /O <${'ab'.repeat(32)}> /U <${'cd'.repeat(32)}> /P -4 >>`,
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  const id = '01'.repeat(16);
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<${id}> <${id}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

/** Bytes that start like a PDF and then are not one. */
export function corruptPdf(): Uint8Array {
  return new TextEncoder().encode(
    '%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\ntruncated in the middle of a dictio',
  );
}
