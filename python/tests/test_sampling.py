"""The detector sampler: the same shots as `qdes detect`, Stim's detector statistics, and the output layouts."""

import subprocess

import numpy as np
import pytest

import qdes


def read_fractions(path):
    rows = [line.split(",") for line in path.read_text().splitlines() if not line.startswith("#")]
    return {name: float(value) for name, value in rows}


def test_shots_equal_qdes_detect_byte_for_byte(tmp_path, reference, qdes_program):
    circuit_file = reference / "stim" / "surf_rot_z_d5_r5_p005.stim"
    out = tmp_path / "shots.b8"
    # Six batches of 512 (the last one short): batch k on the random stream (seed, k), on any thread.
    subprocess.run([qdes_program, "detect", str(circuit_file), "--shots", "3000", "--seed", "7", "--batch", "512",
                    "--out-format", "b8", "--out", str(out), "--no-progress"], check=True)
    sampler = qdes.Circuit.from_file(str(circuit_file)).compile_detector_sampler(seed=7, batch=512)
    packed = sampler.sample(3000, append_observables=True, bit_packed=True)
    assert packed.dtype == np.uint8
    assert packed.tobytes() == out.read_bytes()
    # sample_write writes the same file
    again = qdes.Circuit.from_file(str(circuit_file)).compile_detector_sampler(seed=7, batch=512, threads=1)
    again.sample_write(3000, filepath=str(tmp_path / "again.b8"), format="b8", append_observables=True)
    assert (tmp_path / "again.b8").read_bytes() == out.read_bytes()


@pytest.mark.parametrize("name", ["rep_d9_r100_p001", "surf_rot_x_d5_r5_p001"])
def test_detector_fractions_match_stim(reference, name):
    # Stim's fractions come from 10^6 shots; ours from 2 x 10^5. Each detector's and observable's fraction must lie
    # within 5 standard errors of the difference of two binomial proportions.
    expected = read_fractions(reference / "stim" / f"{name}.detector_fractions.csv")
    circuit = qdes.Circuit.from_file(str(reference / "stim" / f"{name}.stim"))
    shots = 200_000
    dets, obs = circuit.compile_detector_sampler(seed=11).sample(shots, separate_observables=True)
    ours = np.concatenate([dets.mean(axis=0), obs.mean(axis=0)])
    names = [f"D{i}" for i in range(dets.shape[1])] + [f"L{k}" for k in range(obs.shape[1])]
    assert set(names) == set(expected)
    theirs = np.array([expected[n] for n in names])
    sigma = np.sqrt(theirs * (1 - theirs) / 1e6 + np.maximum(theirs * (1 - theirs), 1e-12) / shots)
    z = np.abs(ours - theirs) / sigma
    assert z.max() < 5, f"{names[int(z.argmax())]}: ours {ours[z.argmax()]}, Stim's {theirs[z.argmax()]}"


def test_layouts_agree():
    circuit = qdes.Circuit.generated("surface_code:rotated_memory_z", distance=3, rounds=3,
                                     after_clifford_depolarization=0.02)
    D, O = circuit.num_detectors, circuit.num_observables
    dets, obs = circuit.compile_detector_sampler(seed=3).sample(1000, separate_observables=True)
    assert dets.shape == (1000, D) and dets.dtype == np.bool_ and obs.shape == (1000, O)
    appended = circuit.compile_detector_sampler(seed=3).sample(1000, append_observables=True)
    assert np.array_equal(appended, np.hstack([dets, obs]))
    prepended = circuit.compile_detector_sampler(seed=3).sample(1000, prepend_observables=True)
    assert np.array_equal(prepended, np.hstack([obs, dets]))
    packed = circuit.compile_detector_sampler(seed=3).sample(1000, bit_packed=True)
    assert packed.shape == (1000, (D + 7) // 8)
    assert np.array_equal(np.unpackbits(packed, axis=1, bitorder="little")[:, :D], dets)
    assert dets.any()


def test_seeds_and_continuation():
    circuit = qdes.Circuit("X_ERROR(0.3) 0 1 2\nM 0 1 2\nDETECTOR rec[-1]\nDETECTOR rec[-2]\nDETECTOR rec[-3]")
    a = circuit.compile_detector_sampler(seed=5, batch=512)
    b = circuit.compile_detector_sampler(seed=5, batch=512)
    first = a.sample(512)
    assert np.array_equal(first, b.sample(512))
    assert not np.array_equal(first, a.sample(512))  # a sampler continues its stream
    assert not np.array_equal(first, circuit.compile_detector_sampler(seed=6, batch=512).sample(512))
    assert a.seed == 5 and a.batch == 512
    # Batch k of a sampler's life runs on stream k whatever the thread count, so two calls of 512 shots equal one
    # of 1024, and the threads change nothing.
    one = circuit.compile_detector_sampler(seed=5, batch=512, threads=1)
    many = circuit.compile_detector_sampler(seed=5, batch=512, threads=3)
    assert many.threads == 3
    joined = one.sample(2048)
    assert np.array_equal(joined, np.concatenate([many.sample(512), many.sample(1536)]))
    assert np.array_equal(joined[:512], first)
    assert circuit.compile_detector_sampler().sample(0).shape == (0, 3)


def test_bad_sampler_arguments():
    sampler = qdes.Circuit("M 0\nDETECTOR rec[-1]").compile_detector_sampler(seed=1)
    with pytest.raises(ValueError, match="exclude"):
        sampler.sample(10, prepend_observables=True, append_observables=True)
    with pytest.raises(ValueError, match="separate_observables"):
        sampler.sample(10, separate_observables=True, append_observables=True)
    with pytest.raises(ValueError, match="01 or b8|format"):
        sampler.sample_write(10, filepath="/dev/null", format="hex")
    with pytest.raises(TypeError):
        sampler.sample(-1)
    with pytest.raises(ValueError, match="threads"):
        qdes.Circuit("M 0").compile_detector_sampler(threads=0)
    with pytest.raises(qdes.CircuitError):
        qdes.Circuit("M 0\nDETECTOR rec[-2]").compile_detector_sampler()
