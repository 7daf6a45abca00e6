/** RFC 4180 field quoting, for files people open in a spreadsheet. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(values: readonly string[]): string {
  return `${values.map(csvField).join(',')}\n`;
}

/** The same quoting as csvField, as ClickHouse SQL over a String expression (files the engine writes). */
export function csvFieldSql(value: string): string {
  return `if(match(${value}, '[",\\r\\n]'), concat('"', replaceAll(${value}, '"', '""'), '"'), ${value})`;
}
