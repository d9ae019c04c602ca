// Embree 3 reference for bench/embree.bench.js: renders the sphere scene the bench generates with
// the same camera, the same lit pixels and the same shadow rays as the built-in renderer, using
// 16-wide ray packets (rtcIntersect16 / rtcOccluded16, as OSPRay calls Embree) on N threads.
//
// Usage: spheres <scene.bin> <threads>
// scene.bin: int32 sphere count, cone count, width, height; float64 camera position[3], dir[3], right[3], up[3],
// halfWidth, halfHeight, shiftX, shiftY; float64 light[3] (unit vector towards the light),
// epsilon; then spheres as float32 [x, y, z, r], then cones as float32 [ax, ay, az, ra, bx, by, bz, rb]
// (Embree's round linear curves: a cone between two spheres, as the built-in renderer draws them).
// Prints one JSON line: {"buildMs":..,"primaryMs":..,"shadowMs":..,"lit":..,"shadowed":..}.
// "lit"/"shadowed" count pixels, so the bench can check both renderers did the same work.
#include <embree3/rtcore.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
  int32_t count, cones, width, height;
  double pos[3], dir[3], right[3], up[3], halfWidth, halfHeight, shiftX, shiftY;
  double light[3], epsilon;
} Header;

static Header H;
static RTCScene scene;
static uint8_t *pixels;
static atomic_int nextTile;
static atomic_long litCount, shadowedCount;
static int shadows;
enum { TILE = 32 };

static double nowMs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint8_t toByte(float v) {
  v = v < 0 ? 0 : v > 1 ? 1 : v;
  return (uint8_t)(v * 255.0f + 0.5f);
}

// One 4x4 block of pixels as a 16-wide packet: primary rays, then shadow rays from the lit hits.
static void renderBlock(int bx, int by) {
  struct RTCRayHit16 rh;
  int valid[16];
  struct RTCIntersectContext ctx;
  rtcInitIntersectContext(&ctx);
  ctx.flags = RTC_INTERSECT_CONTEXT_FLAG_COHERENT;
  for (int i = 0; i < 16; i++) {
    int x = bx + (i & 3), y = by + (i >> 2);
    valid[i] = x < H.width && y < H.height ? -1 : 0;
    double sx = (2.0 * (x + 0.5) / H.width - 1) * H.halfWidth + H.shiftX;
    double sy = (1 - 2.0 * (y + 0.5) / H.height) * H.halfHeight + H.shiftY;
    double d[3];
    for (int a = 0; a < 3; a++) d[a] = H.dir[a] + sx * H.right[a] + sy * H.up[a];
    double len = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    rh.ray.org_x[i] = (float)H.pos[0];
    rh.ray.org_y[i] = (float)H.pos[1];
    rh.ray.org_z[i] = (float)H.pos[2];
    rh.ray.dir_x[i] = (float)(d[0] / len);
    rh.ray.dir_y[i] = (float)(d[1] / len);
    rh.ray.dir_z[i] = (float)(d[2] / len);
    rh.ray.tnear[i] = 0;
    rh.ray.tfar[i] = INFINITY;
    rh.ray.mask[i] = 0xFFFFFFFF;
    rh.ray.flags[i] = 0;
    rh.ray.time[i] = 0;
    rh.hit.geomID[i] = RTC_INVALID_GEOMETRY_ID;
  }
  rtcIntersect16(valid, scene, &ctx, &rh);
  struct RTCRay16 sh;
  int svalid[16];
  float ndl[16], shade[16];
  for (int i = 0; i < 16; i++) {
    svalid[i] = 0;
    shade[i] = -1;
    if (!valid[i] || rh.hit.geomID[i] == RTC_INVALID_GEOMETRY_ID) continue;
    float nx = rh.hit.Ng_x[i], ny = rh.hit.Ng_y[i], nz = rh.hit.Ng_z[i];
    float nl = sqrtf(nx * nx + ny * ny + nz * nz);
    nx /= nl, ny /= nl, nz /= nl;
    float dx = rh.ray.dir_x[i], dy = rh.ray.dir_y[i], dz = rh.ray.dir_z[i];
    if (nx * dx + ny * dy + nz * dz > 0) nx = -nx, ny = -ny, nz = -nz;
    float t = rh.ray.tfar[i];
    float lx = shadows ? (float)H.light[0] : -dx, ly = shadows ? (float)H.light[1] : -dy, lz = shadows ? (float)H.light[2] : -dz;
    ndl[i] = nx * lx + ny * ly + nz * lz;
    shade[i] = 0.2f;
    if (ndl[i] <= 0) continue;
    if (!shadows) {
      shade[i] += 0.8f * ndl[i];
      continue;
    }
    float e = (float)H.epsilon;
    sh.org_x[i] = rh.ray.org_x[i] + t * dx + nx * e;
    sh.org_y[i] = rh.ray.org_y[i] + t * dy + ny * e;
    sh.org_z[i] = rh.ray.org_z[i] + t * dz + nz * e;
    sh.dir_x[i] = lx;
    sh.dir_y[i] = ly;
    sh.dir_z[i] = lz;
    sh.tnear[i] = 0;
    sh.tfar[i] = INFINITY;
    sh.mask[i] = 0xFFFFFFFF;
    sh.flags[i] = 0;
    sh.time[i] = 0;
    svalid[i] = -1;
  }
  if (shadows) {
    int any = 0;
    for (int i = 0; i < 16; i++) any |= svalid[i];
    if (any) {
      rtcInitIntersectContext(&ctx);
      rtcOccluded16(svalid, scene, &ctx, &sh);
    }
    long lit = 0, dark = 0;
    for (int i = 0; i < 16; i++) {
      if (!svalid[i]) continue;
      lit++;
      // An occluded ray has tfar set to -inf.
      if (sh.tfar[i] < 0) dark++;
      else shade[i] += 0.8f * ndl[i];
    }
    atomic_fetch_add(&litCount, lit);
    atomic_fetch_add(&shadowedCount, dark);
  }
  for (int i = 0; i < 16; i++) {
    if (!valid[i]) continue;
    int x = bx + (i & 3), y = by + (i >> 2);
    uint8_t *p = pixels + ((size_t)y * H.width + x) * 4;
    if (shade[i] < 0) {
      p[0] = 1, p[1] = 4, p[2] = 26, p[3] = 0;
    } else {
      unsigned prim = rh.hit.primID[i];
      float c = 0.3f + 0.7f * (float)((prim * 2654435761u) >> 24) / 255.0f;
      p[0] = toByte(c * shade[i]), p[1] = toByte(c * shade[i]), p[2] = toByte(c * shade[i]), p[3] = 255;
    }
  }
}

static void *worker(void *arg) {
  (void)arg;
  int tilesX = (H.width + TILE - 1) / TILE, tilesY = (H.height + TILE - 1) / TILE;
  for (;;) {
    int tile = atomic_fetch_add(&nextTile, 1);
    if (tile >= tilesX * tilesY) return NULL;
    int x0 = (tile % tilesX) * TILE, y0 = (tile / tilesX) * TILE;
    for (int y = y0; y < y0 + TILE && y < H.height; y += 4)
      for (int x = x0; x < x0 + TILE && x < H.width; x += 4) renderBlock(x, y);
  }
}

static double renderFrame(int threads, int withShadows) {
  pthread_t ids[64];
  shadows = withShadows;
  atomic_store(&nextTile, 0);
  atomic_store(&litCount, 0);
  atomic_store(&shadowedCount, 0);
  double start = nowMs();
  for (int i = 0; i < threads; i++) pthread_create(&ids[i], NULL, worker, NULL);
  for (int i = 0; i < threads; i++) pthread_join(ids[i], NULL);
  return nowMs() - start;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: spheres <scene.bin> <threads>\n");
    return 2;
  }
  int threads = atoi(argv[2]);
  if (threads < 1 || threads > 64) threads = 1;
  FILE *f = fopen(argv[1], "rb");
  if (f == NULL || fread(&H.count, 4, 4, f) != 4 || fread(H.pos, 8, 20, f) != 20) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  float *spheres = malloc((size_t)H.count * 16 + 1);
  float *cones = malloc((size_t)H.cones * 32 + 1);
  if (fread(spheres, 16, (size_t)H.count, f) != (size_t)H.count || fread(cones, 32, (size_t)H.cones, f) != (size_t)H.cones) {
    fprintf(stderr, "short scene file %s\n", argv[1]);
    return 1;
  }
  fclose(f);
  char config[32];
  snprintf(config, sizeof config, "threads=%d", threads);
  RTCDevice device = rtcNewDevice(config);
  // The clock starts with the geometry upload: the built-in renderer's build time also covers
  // turning spheres into primitive boxes.
  double start = nowMs();
  scene = rtcNewScene(device);
  rtcSetSceneBuildQuality(scene, RTC_BUILD_QUALITY_MEDIUM);
  if (H.count > 0) {
    RTCGeometry geom = rtcNewGeometry(device, RTC_GEOMETRY_TYPE_SPHERE_POINT);
    float *vertices = rtcSetNewGeometryBuffer(geom, RTC_BUFFER_TYPE_VERTEX, 0, RTC_FORMAT_FLOAT4, 16, (size_t)H.count);
    memcpy(vertices, spheres, (size_t)H.count * 16);
    rtcCommitGeometry(geom);
    rtcAttachGeometry(scene, geom);
    rtcReleaseGeometry(geom);
  }
  if (H.cones > 0) {
    RTCGeometry geom = rtcNewGeometry(device, RTC_GEOMETRY_TYPE_ROUND_LINEAR_CURVE);
    float *vertices = rtcSetNewGeometryBuffer(geom, RTC_BUFFER_TYPE_VERTEX, 0, RTC_FORMAT_FLOAT4, 16, (size_t)H.cones * 2);
    memcpy(vertices, cones, (size_t)H.cones * 32);
    uint32_t *index = rtcSetNewGeometryBuffer(geom, RTC_BUFFER_TYPE_INDEX, 0, RTC_FORMAT_UINT, 4, (size_t)H.cones);
    for (int32_t i = 0; i < H.cones; i++) index[i] = (uint32_t)i * 2;
    rtcCommitGeometry(geom);
    rtcAttachGeometry(scene, geom);
    rtcReleaseGeometry(geom);
  }
  rtcCommitScene(scene);
  double buildMs = nowMs() - start;
  pixels = malloc((size_t)H.width * H.height * 4);
  // One unmeasured frame first, as the bench warms the built-in renderer up.
  renderFrame(threads, 1);
  double primaryMs = renderFrame(threads, 0);
  double shadowMs = renderFrame(threads, 1);
  printf("{\"buildMs\":%.3f,\"primaryMs\":%.3f,\"shadowMs\":%.3f,\"lit\":%ld,\"shadowed\":%ld}\n", buildMs, primaryMs, shadowMs,
         atomic_load(&litCount), atomic_load(&shadowedCount));
  rtcReleaseScene(scene);
  rtcReleaseDevice(device);
  free(pixels);
  free(spheres);
  free(cones);
  return 0;
}
