"""The book's figures: one palette, one drawing engine, one module per chapter.

- ``palette``: the Okabe–Ito colours, the probability colour map, ``new_figure``;
- ``scene``: ``Scene`` (a figure whose moving parts are repainted for each frame) and PNG encoding;
- ``interactive``: ``Slider`` and ``interactive_figure``, live ipywidgets and static HTML frames;
- ``static``: ``show_figures_sharp``, static figures as SVG or 2× PNG, whichever is smaller;
- one module per chapter's figures and sliders: ``sigmoid``, ``softmax``, ``likelihood``,
  ``descent``, ``training``; and ``graph``, the computation-graph drawing.

Import what a page uses from its module, e.g. ``from nncourse.figures.sigmoid import
sigmoid_plane``. The figures use the numerics (``nncourse.activations``, ``nncourse.losses``...);
the numerics never import the figures (``ARCHITECTURE.md``).

Taught in: every chapter with a figure; the catalogue is ``book/figures.md``.
"""
