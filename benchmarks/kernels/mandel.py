"""Mandelbrot: float arithmetic in nested loops."""


def mandelbrot(width: int, height: int, max_iter: int) -> int:
    """The number of escape iterations summed over a width x height grid."""
    total = 0
    for py in range(height):
        ci = py * 2.0 / height - 1.0
        for px in range(width):
            cr = px * 3.0 / width - 2.0
            zr = 0.0
            zi = 0.0
            it = 0
            while it < max_iter and zr * zr + zi * zi <= 4.0:
                t = zr * zr - zi * zi + cr
                zi = 2.0 * zr * zi + ci
                zr = t
                it += 1
            total += it
    return total


def bench(n: int) -> int:
    return mandelbrot(n, n, 50)
