"""A class-based kernel: particles with positions and velocities, stepped in a box."""


class Particle:
    """A point moving in the unit box, bouncing off its walls."""

    def __init__(self, x: float, y: float, vx: float, vy: float) -> None:
        self.x = x
        self.y = y
        self.vx = vx
        self.vy = vy

    def step(self, dt: float) -> None:
        """Move by one time step, reflecting at the walls."""
        self.x += self.vx * dt
        self.y += self.vy * dt
        if self.x < 0.0 or self.x > 1.0:
            self.vx = -self.vx
        if self.y < 0.0 or self.y > 1.0:
            self.vy = -self.vy

    def energy(self) -> float:
        return 0.5 * (self.vx * self.vx + self.vy * self.vy)


def simulate(n: int, steps: int) -> float:
    """Total kinetic energy after `steps` steps of n particles."""
    ps: list[Particle] = []
    x = 11
    for i in range(n):
        x = (x * 1103515245 + 12345) % 2147483648
        ps.append(Particle((x % 997) / 997.0, (x % 991) / 991.0, (x % 13) / 13.0 - 0.5, (x % 17) / 17.0 - 0.5))
    for _ in range(steps):
        for p in ps:
            p.step(0.01)
    total = 0.0
    for p in ps:
        total += p.energy() + p.x + p.y
    return total


def bench(n: int) -> int:
    return int(simulate(n, 200) * 1000)
