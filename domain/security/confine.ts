/**
 * Paths built from run inputs (business dates, source names) must stay inside the configured data
 * root. confine() refuses a path that leaves the root lexically (`..`, absolute segments) or through
 * a symbolic link (a landing file linked to /etc/shadow would otherwise be read and its lines copied
 * into a quarantine file). A root that is itself a link is fine: both sides are resolved.
 *
 * The check runs when the path is built; a link swapped in afterwards is outside its reach (whoever
 * can write the data folder can already change the data).
 */
import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { badInput } from '../failures';

/** `target` resolved, or a non-retryable PathOutsideRoot failure naming both. */
export function confine(root: string, target: string): string {
  const base = path.resolve(root);
  const resolved = path.resolve(base, target);
  if (!isInside(base, resolved)) throw outside(base, target);
  const realBase = existsSync(base) ? realpathSync(base) : base;
  if (!isInside(realBase, realOfLongestExisting(resolved))) throw outside(base, target, ' through a symbolic link');
  return resolved;
}

/** One path segment (a file or folder name from input): no separators, no `.`/`..`, no NUL. */
export function assertSegment(value: string, what: string): string {
  if (value.length === 0 || value === '.' || value === '..' || /[\\/\0]/.test(value)) {
    throw badInput(`${what} "${value}" cannot be used as a file or folder name`, 'PathOutsideRoot');
  }
  return value;
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}

/** The real path of the deepest existing ancestor, with the rest of the path appended. */
function realOfLongestExisting(target: string, depth = 0): string {
  let existing = target;
  const rest: string[] = [];
  while (!lstatSync(existing, { throwIfNoEntry: false })) {
    const parent = path.dirname(existing);
    if (parent === existing) return target;
    rest.unshift(path.basename(existing));
    existing = parent;
  }
  if (!existsSync(existing)) {
    // A dangling link: writing through it would create its target, so follow it by hand.
    if (depth > 32) return target;
    const linked = path.resolve(path.dirname(existing), readlinkSync(existing));
    return path.join(realOfLongestExisting(linked, depth + 1), ...rest);
  }
  return path.join(realpathSync(existing), ...rest);
}

function outside(root: string, target: string, how = ''): Error {
  return badInput(`path ${target} leaves the data folder ${root}${how}; refused`, 'PathOutsideRoot');
}
