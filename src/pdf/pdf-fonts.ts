import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as fontkit from 'fontkit';
import type PDFDocument from 'pdfkit';

/**
 * Fonts with full Vietnamese coverage, shipped through npm and parsed once per
 * process (parsing a TTF for every document costs more than drawing it).
 * Serif (Noto Serif) for formal documents such as certificates; sans (Be
 * Vietnam Pro) for lists, badges and booklets.
 */
export type FontName = 'serif' | 'serif-bold' | 'serif-italic' | 'sans' | 'sans-bold' | 'sans-italic';

const FILES: Record<FontName, [pkg: string, file: string]> = {
  serif: ['@expo-google-fonts/noto-serif', '400Regular/NotoSerif_400Regular.ttf'],
  'serif-bold': ['@expo-google-fonts/noto-serif', '700Bold/NotoSerif_700Bold.ttf'],
  'serif-italic': ['@expo-google-fonts/noto-serif', '400Regular_Italic/NotoSerif_400Regular_Italic.ttf'],
  sans: ['@expo-google-fonts/be-vietnam-pro', '400Regular/BeVietnamPro_400Regular.ttf'],
  'sans-bold': ['@expo-google-fonts/be-vietnam-pro', '700Bold/BeVietnamPro_700Bold.ttf'],
  'sans-italic': ['@expo-google-fonts/be-vietnam-pro', '400Regular_Italic/BeVietnamPro_400Regular_Italic.ttf'],
};

const parsed = new Map<FontName, unknown>();

function font(name: FontName): unknown {
  let f = parsed.get(name);
  if (!f) {
    const [pkg, file] = FILES[name];
    const path = join(dirname(require.resolve(`${pkg}/package.json`)), file);
    f = (fontkit as unknown as { create(b: Buffer): unknown }).create(readFileSync(path));
    parsed.set(name, f);
  }
  return f;
}

/** Registers every font on a document under its FontName (e.g. doc.font('serif-bold')). */
export function registerFonts(doc: PDFKit.PDFDocument | InstanceType<typeof PDFDocument>): void {
  for (const name of Object.keys(FILES) as FontName[]) {
    (doc as PDFKit.PDFDocument).registerFont(name, font(name) as unknown as string);
  }
}
