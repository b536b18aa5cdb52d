import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  /** Share of the busy (non-idle) time across the profiles. */
  share: number;
}

const IDLE = '(idle)';

/** Where a function lives, short: the path under node_modules or the project, with its line. */
function shortLocation(url: string, line: number, root: string): string {
  if (!url) return '';
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('node_modules/');
  const short = inModules >= 0 ? path.slice(inModules + 'node_modules/'.length) : relative(root, path);
  return `${short}:${line + 1}`;
}

/**
 * Self time per function over every `.cpuprofile` in `dir` (node --cpu-prof writes one per process), busiest
 * first. Samples are spread evenly over each profile's duration.
 */
export async function topSelfTime(dir: string, root: string, limit: number): Promise<{ busyMs: number; top: SelfTime[] }> {
  const totals = new Map<string, { name: string; where: string; ms: number }>();
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
    const msPerSample = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
    const hits = new Map<number, number>();
    for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
    for (const node of profile.nodes) {
      const count = hits.get(node.id);
      if (!count) continue;
      const name = node.callFrame.functionName || '(anonymous)';
      const where = shortLocation(node.callFrame.url, node.callFrame.lineNumber, root);
      const key = `${name} ${where}`;
      const entry = totals.get(key) ?? { name, where, ms: 0 };
      entry.ms += count * msPerSample;
      totals.set(key, entry);
    }
  }
  const busy = [...totals.values()].filter((t) => t.name !== IDLE);
  const busyMs = busy.reduce((sum, t) => sum + t.ms, 0);
  const top = busy
    .sort((a, b) => b.ms - a.ms)
    .slice(0, limit)
    .map((t) => ({ ...t, share: t.ms / busyMs }));
  return { busyMs, top };
}
