import type Sharp from 'sharp';

let loading: Promise<typeof Sharp> | undefined;

/**
 * sharp (libvips: a native library and some thirty modules) loads on the first image, not with
 * the output stage, so the commands and stages that only read manifests and indexes through
 * output's index (`status`, `plan`, the movie stage's ffmpeg check) never pay for it.
 */
export function loadSharp(): Promise<typeof Sharp> {
  return (loading ??= import('sharp').then((module) => module.default));
}
