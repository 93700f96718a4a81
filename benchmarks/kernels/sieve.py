"""Sieve of Eratosthenes: a list of bools and nested index loops."""


def count_primes(n: int) -> int:
    """The number of primes below n."""
    is_prime: list[bool] = [True] * n
    if n > 0:
        is_prime[0] = False
    if n > 1:
        is_prime[1] = False
    i = 2
    while i * i < n:
        if is_prime[i]:
            j = i * i
            while j < n:
                is_prime[j] = False
                j += i
        i += 1
    count = 0
    for k in range(n):
        if is_prime[k]:
            count += 1
    return count


def bench(n: int) -> int:
    return count_primes(n)
