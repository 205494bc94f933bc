"""qdes.Circuit: parsing, the generators, noise, errors with their file and line, and CCX semantics."""

import pickle

import numpy as np
import pytest

import qdes


def test_counts_of_a_small_circuit():
    c = qdes.Circuit("""
        R 0 1 2
        CX 0 1
        M 0 1 2
        DETECTOR rec[-3] rec[-2]
        DETECTOR rec[-1]
        OBSERVABLE_INCLUDE(0) rec[-1]
    """)
    assert (c.num_qubits, c.num_measurements, c.num_detectors, c.num_observables) == (3, 3, 2, 1)
    assert qdes.Circuit(str(c)) == c  # the text round-trips
    assert pickle.loads(pickle.dumps(c)) == c
    assert c != "not a circuit" and c != qdes.Circuit("H 0")  # other types compare unequal, no TypeError
    assert repr(c).startswith("qdes.Circuit('''")


def test_generated_surface_code_is_stims_own(reference):
    # ../shared/reference/stim/surf_rot_x_d5_r5_p001.stim was written by stim.Circuit.generated with every noise
    # parameter 0.001; qdes generates the same instructions.
    stim_file = reference / "stim" / "surf_rot_x_d5_r5_p001.stim"
    ours = qdes.Circuit.generated("surface_code:rotated_memory_x", distance=5, rounds=5,
                                  after_clifford_depolarization=0.001, before_round_data_depolarization=0.001,
                                  before_measure_flip_probability=0.001, after_reset_flip_probability=0.001)
    theirs = qdes.Circuit.from_file(str(stim_file))
    assert ours == theirs
    fractions = (reference / "stim" / "surf_rot_x_d5_r5_p001.detector_fractions.csv").read_text().splitlines()
    assert ours.num_detectors == sum(1 for line in fractions if line.startswith("D"))
    assert ours.num_observables == sum(1 for line in fractions if line.startswith("L"))


def test_repeat_and_concatenation():
    body = qdes.Circuit("X_ERROR(0.1) 0\nM 0\nDETECTOR rec[-1]")
    assert (body * 4).num_detectors == 4
    assert (body + body).num_measurements == 2
    assert (body * 0).num_qubits == 0


def test_memory_builders_and_noise():
    rep = qdes.Circuit.memory("repetition", 5, rounds=3, noise="gate_bitflip", p=0.01)
    assert rep.num_qubits == 9  # 5 data + 4 checks
    # every check is compared with its previous value each round, and the final data readout closes them
    assert rep.num_detectors == 4 * 3 + 4
    noiseless = qdes.Circuit("R 0 1\nCX 0 1\nM 0 1\nDETECTOR rec[-1] rec[-2]")
    noisy = noiseless.with_noise("gate_depolarizing", p=0.01)
    assert "DEPOLARIZE2(0.01) 0 1" in str(noisy)
    toom = qdes.Circuit.toom_memory(4, 2, noise="gate_bitflip", p=0.001)
    assert "CCX" in str(toom)
    assert toom.num_qubits == 3 * 16


def test_bad_circuit_raises_with_file_and_line():
    with pytest.raises(qdes.CircuitError) as e:
        qdes.Circuit("H 0\nCX 0\n")
    assert e.value.line == 2
    assert e.value.file == "<string>"
    assert str(e.value).startswith("<string>:2:")
    assert isinstance(e.value, ValueError) and isinstance(e.value, qdes.Error)
    with pytest.raises(qdes.CircuitError, match="FROB"):
        qdes.Circuit("FROB 0")


def test_missing_file_names_it(tmp_path):
    with pytest.raises(qdes.CircuitError, match="nothing.stim"):
        qdes.Circuit.from_file(str(tmp_path / "nothing.stim"))


def test_bad_generator_arguments():
    with pytest.raises(ValueError, match="rotated_memory_z"):
        qdes.Circuit.generated("color_code:memory_xyz", distance=3, rounds=3)
    with pytest.raises(ValueError, match="probability"):
        qdes.Circuit.memory("repetition", 3, noise="gate_bitflip", p=1.5)
    with pytest.raises(ValueError, match="gate_depolarizing"):
        qdes.Circuit("H 0").with_noise("depolarising", p=0.1)


def test_ccx_fires_only_when_both_controls_are_flipped():
    # Control 1 is |1> in the noiseless run; an X error on control 0 makes the CCX act where the noiseless run's
    # did not, so the target's detector fires in every shot. Without control 1 set the CCX never acts.
    both = qdes.Circuit("X 1\nX_ERROR(1) 0\nCCX 0 1 2\nM 2\nDETECTOR rec[-1]")
    one = qdes.Circuit("X_ERROR(1) 0\nCCX 0 1 2\nM 2\nDETECTOR rec[-1]")
    assert both.compile_detector_sampler(seed=1).sample(1000).all()
    assert not one.compile_detector_sampler(seed=1).sample(1000).any()


def test_detector_coordinates():
    c = qdes.Circuit("M 0\nDETECTOR(1, 2) rec[-1]\nSHIFT_COORDS(10)\nM 0\nDETECTOR(1, 2) rec[-1]\nM 0\nDETECTOR rec[-1]")
    assert c.get_detector_coordinates() == {0: [1.0, 2.0], 1: [11.0, 2.0]}
    assert np.array_equal(c.detector_error_model().get_detector_coordinates()[1], [11.0, 2.0])
