import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { SAMPLE_CIRCUIT } from '../run/helpers/e2e.js';

/** Whether ffmpeg and ffprobe are installed (`.ci/run` installs them; see the README). */
export const HAVE_FFMPEG = ['ffmpeg', 'ffprobe'].every((tool) => {
  try {
    execFileSync(tool, ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

/**
 * A tiny movie recipe: 64x48, no spike report (so every frame shows the same cells and only the
 * camera moves), a 360 degree orbit over `frames`.
 */
export async function writeMovieRecipe(dir: string, options: { frames: number[] | { start: number; stop: number }; movie?: string; path?: string; name?: string }): Promise<string> {
  const file = join(dir, `${options.name ?? 'orbit'}.yaml`);
  const lines = [
    'version: 1',
    `name: ${options.name ?? 'orbit'}`,
    'circuit:',
    `  path: ${JSON.stringify(SAMPLE_CIRCUIT)}`,
    '  cells: {density: 0.05}',
    '  report: {type: none}',
    '  radius_multiplier: 20',
    'camera:',
    '  view: full-screen',
    options.path ?? '  path: {orbit: {degrees: 360, axis: y}}',
    'renderer: {type: interactive}',
    `frames: ${JSON.stringify(options.frames)}`,
    'resolution: [64, 48]',
    'output:',
    '  path: "{name}/frame-{frame:05}.png"',
    `  movie: ${options.movie ?? '{path: "{name}.mp4", fps: 12, codec: h264, crf: 18}'}`,
  ];
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

/** What ffprobe says of a movie's video stream, counting the frames by decoding them. */
export function ffprobe(path: string): { frames: number; width: number; height: number; rate: string; codec: string } {
  const json = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,width,height,r_frame_rate,codec_name', '-of', 'json', path], { encoding: 'utf8' }),
  ) as { streams: { nb_read_frames: string; width: number; height: number; r_frame_rate: string; codec_name: string }[] };
  const s = json.streams[0];
  if (!s) throw new Error(`${path} has no video stream`);
  return { frames: Number(s.nb_read_frames), width: s.width, height: s.height, rate: s.r_frame_rate, codec: s.codec_name };
}

export async function pixels(path: string): Promise<Buffer> {
  return sharp(path).raw().toBuffer();
}
