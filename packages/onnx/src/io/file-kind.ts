/**
 * What fileKind reads of a file's status: the type tests of Node's `fs.Stats`
 * (which it is, in practice), declared here so this module and the browser
 * entry need no Node types.
 */
export interface FileTypeStats {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSymbolicLink(): boolean;
}

/** What kind of file system entry `stats` describes, as a phrase for messages ("a directory", "a FIFO"). */
export function fileKind(stats: FileTypeStats): string {
  if (stats.isFile()) return "a regular file";
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSymbolicLink()) return "a symbolic link";
  return "not a regular file";
}
