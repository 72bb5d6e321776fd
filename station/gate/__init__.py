"""The input gate: no part, no pass.

Before any automatic PASS a third, independent test asks whether the frame shows one whole part of
this station's family, like the parts the station has seen. Two signals, each compared with a
reference bank of known-good and reviewed frames by the distance to the k-th nearest neighbour:

- layout: where the frame's edges are (an 8 x 8 grid of edge energy). A plain image test: a blank
  frame, an empty belt or a part half out of view has its edges somewhere else, or nowhere.
- appearance: check A's own image embedding (no second model run). Parts of another family and
  everyday photographs land far from this station's parts.

Both thresholds are calibrated on held-out clean frames to a stated false-review rate.
"""
