/**
 * The short cause of an engine error for a person at `npm run sql`: a syntax error keeps where the
 * parser stopped and drops the list of every token it would have accepted (hundreds of characters),
 * and any error keeps its first line only, without the stack trace.
 */
export function shortSqlError(error: { message: string; type?: string }): string {
  const first = error.message.trim().split('\n')[0];
  if (error.type === 'SYNTAX_ERROR' || /Syntax error/i.test(first)) {
    const where = /Syntax error[^:]*: failed at position \d+(?: \([^)]*\))*(?: \(line \d+, col \d+\))?/i.exec(first)?.[0];
    return `${where ?? first.replace(/\s*Expected one of:.*$/i, '').replace(/\s*Expected .*$/i, '')}: check the SQL there (a keyword misspelt, a missing comma or bracket?)`;
  }
  return first.replace(/\s*Stack trace:.*$/i, '');
}
