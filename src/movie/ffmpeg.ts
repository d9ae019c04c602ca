import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { RenderRecipesError } from '../errors.js';

/** The ffmpeg and ffprobe executables a movie needs. */
export interface FfmpegTools {
  ffmpeg: string;
  ffprobe: string;
}

export const FFMPEG_INSTALL_HINT = 'install ffmpeg (Debian/Ubuntu: `apt-get install ffmpeg`, macOS: `brew install ffmpeg`, clusters: `module load ffmpeg`), or set RENDER_RECIPES_FFMPEG to its path';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Finds ffmpeg: `RENDER_RECIPES_FFMPEG` when set (it must then be an executable: a wrong path is an
 * error, not a reason to fall back silently), otherwise the first `ffmpeg` on PATH. ffprobe is
 * looked for beside it first (they ship together), then on PATH.
 */
export function findFfmpeg(env: NodeJS.ProcessEnv): { tools?: FfmpegTools; problem?: string } {
  const configured = env.RENDER_RECIPES_FFMPEG;
  let ffmpeg: string | undefined;
  if (configured !== undefined && configured !== '') {
    if (!executable(configured)) return { problem: `RENDER_RECIPES_FFMPEG is ${JSON.stringify(configured)}, which is not an executable file` };
    ffmpeg = configured;
  } else {
    ffmpeg = onPath('ffmpeg', env);
    if (!ffmpeg) return { problem: 'ffmpeg is not installed (not found on PATH)' };
  }
  const beside = join(dirname(ffmpeg), 'ffprobe');
  const ffprobe = executable(beside) ? beside : onPath('ffprobe', env);
  if (!ffprobe) return { problem: `ffprobe (shipped with ffmpeg) was found neither beside ${ffmpeg} nor on PATH` };
  return { tools: { ffmpeg, ffprobe } };
}

/** The tools, or a TOOL_MISSING error (exit 2) that says how to install them. */
export function requireFfmpeg(env: NodeJS.ProcessEnv, why: string): FfmpegTools {
  const found = findFfmpeg(env);
  if (found.tools) return found.tools;
  throw new RenderRecipesError('TOOL_MISSING', `${why}, but ${found.problem ?? 'ffmpeg is missing'}`, { hint: FFMPEG_INSTALL_HINT });
}

/**
 * Runs a tool to completion and returns its stdout. stderr is kept (the last few kB) for the
 * error message; stdin is closed so ffmpeg never waits for a keypress.
 */
export function runTool(command: string, args: readonly string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString('utf8')).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code, sig) => {
      if (code === 0) resolvePromise(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`${command} exited with ${code ?? sig}: ${err.trim() || '(no output)'}`));
    });
  });
}
