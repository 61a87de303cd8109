"""The sample-data generator behind GeoData/generate.py, by part: common (constants, exact
helpers), lattice (cells), zones_points, truth, orders, district (the parts together, the presets)."""
