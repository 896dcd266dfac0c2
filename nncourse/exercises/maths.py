"""Exercise "maths": a numerical derivative and its step, a gradient, the Hessian test and one descent step.

Follows the page "Maths you need" (book/maths.ipynb). The learner writes a general central difference
(checked through ``slope_of_cube``), the step size that suits a floating-point type (``good_step``), the
gradient of f(x, y) = x³ − 3xy + y² (``gradient``), the second-derivative test for two variables
(``classify``) and one gradient-descent step on f (``descent_step``). The references are written here
from the formulas of that page.
"""

from __future__ import annotations

import numpy as np

from nncourse.exercises.spec import Check, Exercise, Question

# The answers of ``classify``: numbers, so that the checks can compare them like any other result.
MINIMUM, MAXIMUM, SADDLE, UNDECIDED = 1, -1, 0, 2


def cube(x: np.ndarray) -> np.ndarray:
    """The function whose slope the first question estimates, f(x) = x³."""
    return x**3


def slope_of_cube(x: np.ndarray, eps: float) -> np.ndarray:
    r"""Reference: the central difference :math:`(f(x + \varepsilon) - f(x - \varepsilon)) / 2\varepsilon` of x³, element-wise."""
    x = np.asarray(x, dtype=float)
    return (cube(x + eps) - cube(x - eps)) / (2 * eps)


def good_step(x: np.ndarray, dtype: str) -> np.ndarray:
    r"""Reference: the step :math:`\varepsilon = \varepsilon_{\mathrm{mach}}^{1/3} \max(1, |x|)` for ``dtype``.

    A central difference loses about :math:`\varepsilon_{\mathrm{mach}} / \varepsilon` to rounding and
    :math:`\varepsilon^2` to the neglected curvature; they balance near :math:`\varepsilon_{\mathrm{mach}}^{1/3}`,
    scaled by the size of x (the machine epsilon is ``np.finfo(dtype).eps``).
    """
    eps = np.finfo(np.dtype(dtype)).eps
    return np.cbrt(eps) * np.maximum(1.0, np.abs(np.asarray(x, dtype=float)))


def f(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The function of two variables the last three questions study, x³ − 3xy + y²."""
    return x**3 - 3 * x * y + y**2


def gradient(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""Reference: :math:`\nabla f = (3x^2 - 3y,\; -3x + 2y)`, shape ``(2,) + x.shape``."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return np.array([3 * x**2 - 3 * y, -3 * x + 2 * y])


def classify(H: np.ndarray) -> int:
    r"""Reference: the two-variable second-derivative test on the Hessian ``H``.

    With :math:`D = f_{xx} f_{yy} - f_{xy}^2`: a minimum when D > 0 and f_xx > 0, a maximum when D > 0
    and f_xx < 0, a saddle when D < 0, undecided when D = 0.
    """
    H = np.asarray(H, dtype=float)
    D = H[0, 0] * H[1, 1] - H[0, 1] * H[1, 0]
    if D < 0:
        return SADDLE
    if D == 0:
        return UNDECIDED
    return MINIMUM if H[0, 0] > 0 else MAXIMUM


def descent_step(x: float, y: float, lr: float) -> np.ndarray:
    r"""Reference: one gradient-descent step on f, :math:`(x, y) - \eta \nabla f(x, y)`, shape (2,)."""
    return np.array([x, y], dtype=float) - lr * gradient(x, y)


CENTRAL_HINT = (
    "Step to both sides of x: (f(x + eps) - f(x - eps)) / (2 eps). The one-sided (f(x + eps) - f(x)) / eps "
    "is off by about eps · f''(x) / 2; dividing by eps instead of 2 eps doubles the answer."
)
EPS_HINT = (
    "Take the machine epsilon of the type you compute in, np.finfo(dtype).eps: about 2.2e-16 for "
    "float64 but 1.2e-7 for float32. The step is its cube root times max(1, |x|), the cube root "
    "because a central difference's error from the curvature shrinks like the step squared."
)
D_HINT = "D = f_xx f_yy - f_xy²: the mixed derivative is subtracted, squared."


def _points(rng, n=6):
    return rng.uniform(-3.0, 3.0, size=n)


def _hessian(rng, kind):
    """A random symmetric 2×2 Hessian whose test gives ``kind`` (MINIMUM, MAXIMUM or SADDLE)."""
    a, c = rng.uniform(0.5, 3.0, size=2)
    if (
        kind == SADDLE
    ):  # |f_xy| beyond sqrt(f_xx f_yy) makes D < 0, whatever the signs on the diagonal
        b = np.sqrt(a * c) * rng.uniform(1.2, 3.0)
        return np.array([[a, b], [b, c]]) * rng.choice([-1.0, 1.0])
    b = 0.5 * np.sqrt(a * c)
    bowl = np.array([[a, b], [b, c]])
    return bowl if kind == MINIMUM else -bowl


SLOPE_OF_CUBE = Question(
    function="slope_of_cube",
    reference=slope_of_cube,
    section="checking-a-derivative-numerically",
    answer_in_chapter=True,
    checks=[
        Check(
            "the slope of x³ at 2 with ε = 0.1",
            [(2.0, 0.1)],
            hint=CENTRAL_HINT,
        ),
        Check(
            "several points at once, ε = 0.25",
            [(np.array([-1.0, 0.0, 1.0, 3.0]), 0.25)],
            hint=CENTRAL_HINT + " Use NumPy operations so an array of x works element by element.",
        ),
        Check(
            "hidden: random points and steps",
            lambda rng: [(_points(rng), float(rng.uniform(0.01, 0.5))) for _ in range(3)],
            points=2,
            hint=CENTRAL_HINT,
        ),
        Check(
            "hidden: a single number in, a single number out",
            lambda rng: [(float(rng.uniform(-2.0, 2.0)), 0.25)],
            points=1,
        ),
    ],
)

GOOD_STEP = Question(
    function="good_step",
    reference=good_step,
    section="checking-a-derivative-numerically",
    checks=[
        Check("float64, for x = 1", [(1.0, "float64")], hint=EPS_HINT),
        Check(
            "float32 wants a larger step", [(np.array([0.5, 1.0, 4.0]), "float32")], hint=EPS_HINT
        ),
        Check(
            "the step grows with |x| beyond 1",
            [(np.array([-100.0, -1.0, 0.0, 0.001, 1.0, 100.0]), "float64")],
            hint="Scale by max(1, |x|) (np.maximum, element by element): near 0 keep ε ** (1/3).",
        ),
        Check(
            "hidden: random points in float64",
            lambda rng: [(rng.uniform(-50.0, 50.0, size=8), "float64")],
            points=2,
        ),
        Check(
            "hidden: random points in float32",
            lambda rng: [(rng.uniform(-50.0, 50.0, size=8), "float32")],
            points=2,
            hint=EPS_HINT,
        ),
    ],
)

GRADIENT = Question(
    function="gradient",
    reference=gradient,
    section="a-vector-of-partial-derivatives",
    checks=[
        Check(
            "the gradient at (2, -1)",
            [(2.0, -1.0)],
            hint="∂f/∂x = 3x² - 3y (y is a constant here) and ∂f/∂y = -3x + 2y; return np.array([fx, fy]).",
        ),
        Check(
            "both critical points have a zero gradient",
            [(0.0, 0.0), (1.5, 2.25)],
            hint="The term -3xy gives -3y when differentiating by x and -3x by y.",
        ),
        Check(
            "arrays of points give a (2, n) result",
            [(np.array([0.0, 1.5, 2.0]), np.array([0.0, 2.25, -1.0]))],
            hint="np.array([fx, fy]) stacks two arrays of shape (n,) into shape (2, n): row 0 holds ∂f/∂x.",
        ),
        Check(
            "hidden: random points",
            lambda rng: [(float(a), float(b)) for a, b in rng.uniform(-3.0, 3.0, size=(4, 2))],
            points=2,
        ),
        Check(
            "hidden: random arrays of points give a (2, n) result",
            lambda rng: [(_points(rng), _points(rng))],
            points=1,
            hint="np.array([fx, fy]) stacks two arrays of shape (n,) into shape (2, n).",
        ),
    ],
)

CLASSIFY = Question(
    function="classify",
    reference=classify,
    section="two-variables-the-hessian-test",
    checks=[
        Check(
            "a bowl and a dome",
            [(np.array([[2.0, 0.0], [0.0, 2.0]]),), (np.array([[-2.0, 0.0], [0.0, -1.0]]),)],
            hint="D > 0: a minimum when f_xx > 0 and a maximum when f_xx < 0. Return one of the constants, "
            "MINIMUM (1), MAXIMUM (-1), SADDLE (0) or UNDECIDED (2), not a string.",
        ),
        Check(
            "a saddle with a large mixed derivative",
            [(np.array([[1.0, 2.0], [2.0, 1.0]]),), (np.array([[6.0, -3.0], [-3.0, 1.0]]),)],
            hint=D_HINT + " Look at D before the sign of f_xx: D < 0 is a saddle whatever f_xx is.",
        ),
        Check(
            "D = 0 is undecided",
            [
                (np.array([[1.0, 1.0], [1.0, 1.0]]),),
                (np.array([[0.0, 0.0], [0.0, 3.0]]),),
                (np.full((2, 2), 2.884423198807432),),
            ],
            hint="When D = 0 the test says nothing: return UNDECIDED (2), not a minimum or a saddle. Compute D "
            "from its formula: np.linalg.det rounds some D = 0 to 1e-15.",
        ),
        Check(
            "hidden: random minima and maxima",
            lambda rng: [(_hessian(rng, k),) for k in (MINIMUM, MAXIMUM, MINIMUM, MAXIMUM)],
            points=2,
        ),
        Check(
            "hidden: random saddles, some with f_xx < 0",
            lambda rng: [(_hessian(rng, SADDLE),) for _ in range(4)],
            points=2,
            hint=D_HINT,
        ),
        Check(
            "hidden: flat directions, D = 0",
            lambda rng: (
                [(np.full((2, 2), a),) for a in rng.uniform(-3.0, 3.0, size=2)]
                + [(np.diag([0.0, float(rng.uniform(-3.0, 3.0))]),)]
            ),
            points=1,
            hint="When D = 0 the test says nothing: return UNDECIDED, not a minimum or a maximum.",
        ),
        Check(
            "hidden: the Hessians of f at its two critical points",
            lambda rng: [
                (np.array([[0.0, -3.0], [-3.0, 2.0]]),),
                (np.array([[9.0, -3.0], [-3.0, 2.0]]),),
            ],
            points=1,
        ),
    ],
)

DESCENT_STEP = Question(
    function="descent_step",
    reference=descent_step,
    section="stepping-downhill",
    checks=[
        Check(
            "one step from (2, -1) with η = 0.1",
            [(2.0, -1.0, 0.1)],
            hint="Step against the gradient: (x, y) - η ∇f(x, y). Adding it walks uphill.",
        ),
        Check(
            "η = 0 stays put",
            [(1.0, 1.0, 0.0)],
            hint="Return np.array([x, y]) - lr * gradient(x, y), a flat array of shape (2,).",
        ),
        Check(
            "hidden: random starts and learning rates",
            lambda rng: [
                (float(a), float(b), float(rng.uniform(0.01, 0.2)))
                for a, b in rng.uniform(-2.0, 2.0, size=(4, 2))
            ],
            points=2,
            hint="Step against the gradient: (x, y) - η ∇f(x, y).",
        ),
    ],
)

EXERCISE = Exercise(
    id="maths",
    title="Derivatives, gradients and critical points",
    chapter="maths",
    questions=[SLOPE_OF_CUBE, GOOD_STEP, GRADIENT, CLASSIFY, DESCENT_STEP],
)
