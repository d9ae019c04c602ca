// GENERATED from schema/recipe.schema.json by src/recipe/schema-to-ts.ts. Do not edit.
// Regenerate: UPDATE_GENERATED=1 npx vitest run test/recipe/schema-types.test.ts

/** A declarative description of figures to render with Brayns: which circuit to load, how to look at it and which image files to write. Field names are stable within format version 1. */
export type RawRecipe = {
  /** Recipe format version. Only 1 exists; a recipe declaring a newer version needs a newer render-recipes. */
  version: 1;
  /** Name of the recipe: a slug used in output paths (`{name}`) and in the plan. Must be unique among the recipes of one run. */
  name: string;
  /** What this recipe is for. Free text, not used for rendering. */
  description?: string;
  /** Base recipe file(s) to start from, relative to this file. Bases are merged in order and this file is merged last: mappings merge key by key, lists and scalars replace. Base files may omit required fields; name them with a leading `_` so folder scans skip them. */
  extends?: string | string[];
  circuit: RawCircuit;
  camera?: RawCamera;
  renderer?: RawRenderer;
  /** Lights of the scene. Brayns 3.x servers start with no light at all; when omitted a default rig is used: an ambient light (white, intensity 0.4) and a key light attached to the camera (white, intensity 0.9, direction [0.5, -0.5, -1] in camera space). An empty list means no lights. */
  lights?: RawLight[];
  /** Image size in pixels: a preset (hd = 1280x720, full-hd = 1920x1080, 4k = 3840x2160, 8k = 7680x4320) or [width, height]. */
  resolution?: ("hd" | "full-hd" | "4k" | "8k") | [number, number];
  frames?: RawFrames;
  output?: RawOutput;
  overlay?: RawOverlay;
  /** A sweep: the recipe is rendered once per combination (cartesian product) of the listed values. Keys are dotted field paths (`circuit.cells.density`, `camera.view`, `frames`, `renderer.samples_per_pixel`, ...) or the short names `density`, `targets`, `gids`, `report`, `radius_multiplier`, `morphology`, `view`, `camera`, `fovy`, `renderer`, `samples_per_pixel`, `background`, `lights`, `resolution`, `frame`, `frames`, `format`. Each value replaces the field in the item. Every item gets a stable id from its own values (`{item}`), and each key is also a placeholder of `output.path` (`{density}`, `{view}`, ...). */
  matrix?: {
    [key: string]: unknown[];
  };
  [key: `x-${string}`]: unknown;
};

/** A 3D vector in world units (micrometres for circuits). */
export type RawVec3 = [number, number, number];

/** A colour as linear components in [0, 1] ([r, g, b] or [r, g, b, a]), as hex `#rrggbb`/`#rrggbbaa` (each byte divided by 255, no gamma conversion) or as a name: black, white, gray, transparent. */
export type RawColor = ([number, number, number] | [number, number, number, number]) | string;

/** The circuit to load and how: Brayns' BBP loader (BlueConfig/CircuitConfig) or SONATA loader (circuit_config.json). */
export type RawCircuit = {
  /** Path of the BlueConfig/CircuitConfig (or a SONATA circuit_config.json with `loader: sonata`). A relative path is resolved against the recipe file's folder; the Brayns host must see the same path (for example on a shared cluster disk). */
  path: string;
  /** Which Brayns loader reads the circuit. */
  loader?: "bbp" | "sonata";
  /** Which cells to load. */
  cells?: {
    /** Fraction of the selected cells to load, in (0, 1]. */
    density?: number;
    /** What to load. BBP: named targets of the circuit (omitted = its CircuitTarget). SONATA (required): node populations, each as `population` or `population:node_set`, e.g. [cortex, thalamus:VPM]. */
    targets?: string[];
    /** Explicit cell ids to load (takes precedence over targets in Brayns). BBP GIDs start at 1; SONATA node ids at 0. */
    gids?: number[];
  };
  /** Which simulation report colours the cells: `none`, `spikes` (cells light up when they fire) or `compartment` (voltages of a named report). */
  report?: {
    /** Kind of report to load. */
    type: "none" | "spikes" | "compartment";
    /** Spikes only: fade-in/out time in milliseconds from resting to spiking state. */
    transition_time?: number;
    /** Compartment only (required there): name of the compartment report in the circuit. */
    name?: string;
    colormap?: RawColormap;
  };
  /** Scales every cell radius; 20 makes one-sphere-per-soma circuits readable from afar. */
  radius_multiplier?: number;
  /** Load cell morphologies with these sections. Omit it to draw one sphere per soma (fast, no morphology files read). */
  morphology?: {
    /** Load the soma. */
    soma?: boolean;
    /** Load the axon. */
    axon?: boolean;
    /** Load the dendrites. */
    dendrites?: boolean;
  };
  /** Open the circuit's files on the machine that runs validate, plan, run or slurm submit before anything starts: the config's kind, the cell count (GIDs range-checked), target and node set names, populations, the report and its time range, the morphology folder. Set false when only the Brayns host sees the circuit's path (`--no-preflight` does it for every recipe). */
  preflight?: boolean;
};

/** Where the camera looks from. `full-screen` frames the whole model (aspect-correct, looking down -z); a direction name frames it from that side; `{direction, distance}` moves that view back by a factor; `{position, target, up}` places the camera explicitly in world coordinates. */
export type RawView = ("full-screen" | "front" | "back" | "left" | "right" | "top" | "bottom") | ({
  /** Side of the model the camera looks from. */
  direction: "front" | "back" | "left" | "right" | "top" | "bottom";
  /** Distance as a multiple of the full-screen framing distance (2 = twice as far). */
  distance?: number;
}) | {
  /** Camera position in world coordinates. */
  position: RawVec3;
  /** Point the camera looks at. */
  target: RawVec3;
  /** Up direction of the image. */
  up?: RawVec3;
};

/** Projection and view of the camera. */
export type RawCamera = {
  /** Camera projection. */
  type?: "perspective" | "orthographic";
  /** Perspective only: vertical field of view in degrees. */
  fovy?: number;
  /** Orthographic only: height of the viewport in world units. Omitted = framed from the model bounds like the view. */
  height?: number;
  view?: RawView;
  /** Moves the camera over the frames of a movie: the first frame is at the start of the path, the last frame at its end (so a 360 degree orbit ends where it started). `orbit` turns the view around its target; `keyframes` passes through views at fractions of the movie. Each frame's camera is resolved into the plan, so frames render identically wherever they are rendered. */
  path?: ({
    /** Turns the camera around the view's target, about an axis through that target (right-handed: positive degrees turn counter-clockwise seen from the axis' tip). */
    orbit: {
      /** Angle turned from the first frame to the last; negative turns the other way. */
      degrees?: number;
      /** World axis the camera turns about. */
      axis?: "x" | "y" | "z";
    };
    /** How the camera moves between the path's ends (or keyframes): `linear` at constant speed; `smooth` eases in and out (smoothstep), so a movie starts and stops gently. */
    easing?: "linear" | "smooth";
  }) | ({
    /** Views the camera passes through: `at` is the fraction of the movie (0 = first frame, 1 = last frame). Between two keyframes the camera turns around the blended target and moves its distance, target and up smoothly from one view to the next. */
    keyframes: {
      /** Where in the movie the camera is at this view. */
      at: number;
      view: RawView;
    }[];
    /** How the camera moves between the path's ends (or keyframes): `linear` at constant speed; `smooth` eases in and out (smoothstep), so a movie starts and stops gently. */
    easing?: "linear" | "smooth";
  });
};

/** Renderer settings. Unset fields take the defaults of Brayns' InteractiveRenderer.default() (interactive) or ProductionRenderer.default() (production). */
export type RawRenderer = {
  /** interactive = fast preview quality; production = path-traced figure quality. */
  type?: "interactive" | "production";
  /** Samples per pixel (antialiasing and noise). Default 1 for interactive, 128 for production. */
  samples_per_pixel?: number;
  /** Maximum ray bounces. Default 3 for interactive, 7 for production. */
  max_ray_bounces?: number;
  /** Background colour; alpha 0 gives a transparent background in PNG/WebP/TIFF. Default: Brayns' dark blue [0.004, 0.016, 0.102, 0]. */
  background?: RawColor;
  /** Cast shadows from the lights. */
  shadows?: boolean;
  /** Ambient occlusion samples (0 = off). */
  ao_samples?: number;
};

/** One light. */
export type RawLight = {
  /** Uniform light from everywhere. */
  type: "ambient";
  /** Light colour (alpha ignored). */
  color?: RawColor;
  /** Light intensity. */
  intensity?: number;
} | ({
  /** Parallel light like the sun. */
  type: "directional";
  /** Light colour (alpha ignored). */
  color?: RawColor;
  /** Light intensity. */
  intensity?: number;
  /** Direction the light travels (not where it comes from); must not be [0, 0, 0]. */
  direction: RawVec3;
  /** camera = the direction is relative to the view (x right, y up, z towards the viewer) and follows every camera; world = fixed in world coordinates. */
  space?: "camera" | "world";
});

/** Which simulation frames to render, one task per frame. Brayns spike reports advance 0.01 ms per frame, so times in milliseconds convert to frame = time / 0.01 (times must fall on that grid). Ranges include `stop`/`stop_ms` when it falls on a step. Lists must be strictly increasing. */
export type RawFrames = number | number[] | {
  /** First frame. */
  start: number;
  /** Last frame (included when it falls on a step). */
  stop: number;
  /** Frames between two rendered frames. */
  step?: number;
} | {
  /** Simulation times in milliseconds, strictly increasing, multiples of 0.01. */
  times_ms: number[];
} | {
  /** First time in milliseconds. */
  start_ms: number;
  /** Last time in milliseconds (included when it falls on a step). */
  stop_ms: number;
  /** Time between two rendered frames, a multiple of 0.01 ms. */
  step_ms: number;
};

/** Where and how images are written. */
export type RawOutput = {
  /** Output file path template, relative to the run's output directory (`--out`, default the current directory); it may not be absolute or leave that directory. Placeholders: {name}, {item} (matrix item id, empty without a matrix), {view}, {frame}, {time} (ms), {width}, {height}, {resolution}, {camera}, {renderer}, {density}, {format}, and every matrix key ({density}, {circuit.cells.density}, ...). Integers take a zero-padded width: {frame:05}. Empty path segments are dropped. `{{` and `}}` write literal braces. */
  path?: string;
  /** Image format. Default: from the path's extension (.png, .jpg/.jpeg, .webp, .tif/.tiff). */
  format?: "png" | "jpg" | "webp" | "tiff";
  /** Compression quality for jpg, webp and tiff (PNG is lossless and ignores it). Default: 90. */
  quality?: number;
  /** download = render-recipes receives the image and writes it; server = the Brayns host writes the file on its own filesystem (for example a shared cluster disk; png and jpg only, the formats Brayns encodes). */
  transfer?: "download" | "server";
  /** Also assemble the frames of each matrix item, in frame order, into a movie with ffmpeg (found on PATH or at $RENDER_RECIPES_FFMPEG). It is built after the last frame is rendered, rebuilt only when a frame or a movie setting changed, and refused, with the missing frames listed, when a frame failed. yuv420p needs an even width and height. */
  movie?: {
    /** Movie file path template, relative to the output directory, with the placeholders of `output.path` except {frame} and {time}. */
    path: string;
    /** Frame rate of the movie: one image per frame. */
    fps?: number;
    /** Video codec (yuv420p): h264 (libx264) and h265 (libx265) in .mp4, .mkv or .mov; vp9 (libvpx-vp9) in .webm or .mkv. Default: vp9 for .webm, h264 otherwise. */
    codec?: "h264" | "h265" | "vp9";
    /** Constant rate factor: lower is better quality and larger files (0 = lossless for h265 and vp9; 18 looks lossless with h264). */
    crf?: number;
  };
  contact_sheet?: RawContactSheet;
};

/** The colour ramp that maps report values to cell colours. A name (`brayns`: Brayns' own black-blue-red-yellow-white spike ramp, the default; `viridis`, `magma`, `gray`, `blue-white-red`), a list of at least two colours (evenly spread from the lowest value to the highest), or `{colors, range}` with the value range the ramp spans. The built-in server honours it; Brayns 3.x servers get it through `set-color-ramp` after loading. Spike reports map the spike intensity (0 resting, 1 at the spike) onto the whole ramp, as Brayns does; compartment reports map `range` (default [-80, -10] mV). */
export type RawColormap = ("brayns" | "viridis" | "magma" | "gray" | "blue-white-red") | RawColor[] | ({
  /** The ramp: a name or a list of at least two colours, lowest value first. */
  colors: ("brayns" | "viridis" | "magma" | "gray" | "blue-white-red") | RawColor[];
  /** Report values at the two ends of the ramp. Default [0, 1] for spikes (intensity), [-80, -10] for compartment reports (mV). */
  range?: [number, number];
});

/** Text drawn onto every image. */
export type RawOverlayText = string | ({
  /** The text to draw. */
  text: string;
  /** Where the text goes. */
  position?: "top-left" | "top" | "top-right" | "right" | "bottom-right" | "bottom" | "bottom-left" | "left";
  /** Text size relative to the default (which scales with the image height). */
  size?: number;
});

/** Finished figures: a scale bar, the simulation time, the colour legend of the report and a title drawn onto every image, optionally onto a solid background. `{}` gives a scale bar, the time and (with a report) the legend. The overlay is part of the task hash and of the image's provenance. Text uses the DejaVu Sans font (Debian package fonts-dejavu-core) and scales with the image. */
export type RawOverlay = {
  /** A bar of a known length in world units (µm). Exact: from the orthographic camera's height, or, for a perspective camera, at the distance of the view's target (the label says so). */
  scale_bar?: false | ({
    /** Length of the bar; `auto` picks a round length (1, 2 or 5 times a power of ten) of about a fifth of the image width. */
    length_um?: "auto" | number;
    /** Corner of the image for the bar. */
    position?: "top-left" | "top" | "top-right" | "right" | "bottom-right" | "bottom" | "bottom-left" | "left";
  });
  /** The frame's simulation time. */
  time?: false | ({
    /** The text; `{time_ms}` is the frame's time in ms, `{frame}` its index. */
    format?: string;
    /** Where the time goes. */
    position?: "top-left" | "top" | "top-right" | "right" | "bottom-right" | "bottom" | "bottom-left" | "left";
  });
  /** The report's colour ramp as a bar with its values (drawn only when the circuit has a report). */
  legend?: false | ({
    /** Edge of the image for the legend (vertical at left/right, horizontal at top/bottom). */
    position?: "right" | "left" | "top" | "bottom";
  });
  title?: RawOverlayText;
  /** Composite the image onto this colour (default: keep the transparent background). */
  background?: RawColor;
  /** Also keep the image as rendered, without the overlay, beside it as `<name>.raw.png`. */
  keep_raw?: boolean;
};

/** One image per recipe with every output of its matrix (and every frame) in a grid, each labelled with its matrix values; rebuilt when any of its images changed. */
export type RawContactSheet = {
  /** Where the sheet goes, relative to the output directory; placeholders {name}, {width}, {height}, {resolution}. png, jpg or webp. */
  path?: string;
  /** Images per row; `auto` makes the grid about as wide as it is tall. */
  columns?: "auto" | number;
  /** Write each image's matrix values (and frame) under it. */
  label?: boolean;
};
