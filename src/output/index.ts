// The output stage: images with embedded provenance, written atomically, and the run manifest.
export { checkImageFile, encodeWithProvenance, type ImageCheck } from './image-file.js';
export { PROVENANCE_KEYWORD, type Provenance } from './provenance.js';
export { reproducingRecipe, reproducingRecipeYaml } from './reproduce.js';
export { readManifest, listManifests, manifestFileName, type Manifest, type ManifestTask, type ManifestHeader } from './manifest.js';
export { outputStatus, type OutputStatus } from './manifest-merge.js';
