/**
 * A plain fixed-width table for terminals: one header row, columns padded to their widest cell.
 * `notes` (one per row, may be empty) are printed whole under their row, indented, wrapped at the
 * table's width: long messages are never cut.
 */
export function formatTable(header: string[], rows: (string | number)[][], notes: readonly string[] = []): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const width = Math.max(60, widths.reduce((sum, w) => sum + w + 2, 0));
  const lines: string[] = [];
  cells.forEach((r, i) => {
    lines.push(r.map((c, j) => c.padEnd(widths[j])).join('  ').trimEnd());
    const note = i > 0 ? notes[i - 1]?.trim() : undefined;
    if (note) lines.push(...wrap(note, width - 4).map((line) => `    ${line}`));
  });
  return lines.join('\n');
}

/** Break text into lines of at most `width` characters at spaces (a longer word gets a line of its own). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    lines.push(line);
  }
  return lines;
}
