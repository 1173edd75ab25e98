"""The first seed's service, as Ember re-creates it: a Flask app whose /sparkpi route runs
SparkPi on a local PySpark session (one per process, created at start like the seed's).

Run by benches/pyspark_original.sh, which times it beside Ember; not part of Ember itself.
"""
import os
import random
from operator import add

from flask import Flask, request
from pyspark.sql import SparkSession

app = Flask(__name__)
spark = (
    SparkSession.builder.appName("PythonPi")
    .master(os.environ.get("SPARK_MASTER", "local[*]"))
    .getOrCreate()
)


def produce_pi(scale):
    n = 100000 * scale

    def f(_):
        x = random.random() * 2 - 1
        y = random.random() * 2 - 1
        return 1 if x ** 2 + y ** 2 <= 1 else 0

    count = spark.sparkContext.parallelize(range(1, n + 1), scale).map(f).reduce(add)
    return 4.0 * count / n


@app.route("/")
def index():
    return "Python Flask SparkPi server running. Add the 'sparkpi' route to this URL to invoke the app."


@app.route("/sparkpi")
def sparkpi():
    scale = int(request.args.get("scale", 2))
    pi = produce_pi(scale)
    return "Pi is roughly {}".format(pi)


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8080")))
