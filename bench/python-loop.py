"""The usage page's Python loop, for bench/python-loop.bench.js: connect with the Brayns Python
client, load the circuit as the page does (10 % of the cells, spikes, radius 20), frame it full
screen, and save one snapshot per simulation frame. Written for this benchmark from the usage page
(shared/seed/python-client.rst), against the 3.10.1 client's API.

usage: python3 python-loop.py URI BLUECONFIG OUT_DIR FRAMES WIDTH HEIGHT
"""
import sys

import brayns

uri, blue_config, out_dir = sys.argv[1:4]
frames, width, height = (int(v) for v in sys.argv[4:7])

connector = brayns.Connector(uri)
with connector.connect() as instance:
    loader = brayns.BbpLoader(
        cells=brayns.BbpCells.from_density(0.1),
        report=brayns.BbpReport.spikes(),
        morphology=brayns.Morphology(radius_multiplier=20),
    )
    models = loader.load_models(instance, blue_config)
    resolution = brayns.Resolution(width, height)
    controller = brayns.CameraController(target=models[0].bounds, aspect_ratio=resolution.aspect_ratio)
    camera = controller.camera
    renderer = brayns.InteractiveRenderer()
    for frame in range(frames):
        snapshot = brayns.Snapshot(resolution=resolution, camera=camera, renderer=renderer, frame=frame)
        snapshot.save(instance, f"{out_dir}/frame-{frame:05}.png")
