/**
 * `GET /containers/{id}/logs` of a container without a TTY answers in frames: one header of 8 bytes
 * (stream: 1 stdout, 2 stderr; three zero bytes; the payload's length, big-endian) and the payload.
 * A container with a TTY answers raw text, which is returned as it is.
 */
export function demuxLogFrames(data: Buffer): string {
  if (!looksFramed(data)) return data.toString('utf8');
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= data.length) {
    const length = data.readUInt32BE(offset + 4);
    const start = offset + 8;
    parts.push(data.subarray(start, Math.min(start + length, data.length)));
    offset = start + length;
  }
  return Buffer.concat(parts).toString('utf8');
}

function looksFramed(data: Buffer): boolean {
  return data.length >= 8 && [0, 1, 2].includes(data[0]!) && data[1] === 0 && data[2] === 0 && data[3] === 0;
}
