"""A Manager's list and dict, shared by two processes (for the Manager chapter)."""
from multiprocessing import Manager, Process


def worker(name, items, scores):
    for i in range(3):
        items.append(f"{name}{i}")  # one request to the manager's server
    scores[name] = len(name) * 10


if __name__ == "__main__":
    with Manager() as manager:
        items = manager.list()
        scores = manager.dict()
        workers = [Process(target=worker, args=(n, items, scores)) for n in ("a", "bb")]
        for p in workers:
            p.start()
        for p in workers:
            p.join()
        print("items:", len(items))
        for name in ("a", "bb"):
            print(name, [x for x in items if x.startswith(name)])
        print("scores:", sorted(scores.items()))
    try:
        items.append("late")
    except Exception as e:  # the server is gone
        print("after shutdown:", type(e).__name__)
