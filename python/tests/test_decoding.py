"""Detector error models and the decoders, against formulas and against sampled statistics."""

import numpy as np
import pytest

import qdes

# Three data bits under code-capacity bit flips, two parity checks, the last bit's value as the observable: any one
# flip is corrected, two or three are not, so a decoder that finds the likeliest error fails with probability
# 3 p^2 (1 - p) + p^3.
REPETITION_3 = """
X_ERROR({p}) 0 1 2
M 0 1 2
DETECTOR rec[-3] rec[-2]
DETECTOR rec[-2] rec[-1]
OBSERVABLE_INCLUDE(0) rec[-1]
"""


def test_dem_round_trip_and_counts(tmp_path):
    circuit = qdes.Circuit.generated("surface_code:rotated_memory_z", distance=3, rounds=3,
                                     after_clifford_depolarization=0.001, before_measure_flip_probability=0.001)
    dem = circuit.detector_error_model(decompose_errors=True)
    assert dem.num_detectors == circuit.num_detectors and dem.num_observables == 1
    assert dem.num_errors > 0
    assert qdes.DetectorErrorModel(str(dem)) == dem
    dem.to_file(str(tmp_path / "m.dem"))
    assert qdes.DetectorErrorModel.from_file(str(tmp_path / "m.dem")) == dem


def test_dem_firing_probabilities_match_sampling():
    # The model is exact: each detector's firing probability from it agrees with 10^5 sampled shots within 5
    # binomial standard errors.
    circuit = qdes.Circuit.generated("surface_code:rotated_memory_x", distance=3, rounds=2,
                                     after_clifford_depolarization=0.01, after_reset_flip_probability=0.01)
    predicted = np.array(circuit.detector_error_model().detector_firing_probabilities())
    shots = 100_000
    sampled = circuit.compile_detector_sampler(seed=2).sample(shots).mean(axis=0)
    sigma = np.sqrt(predicted * (1 - predicted) / shots)
    assert np.max(np.abs(sampled - predicted) / sigma) < 5


@pytest.mark.parametrize("decoder_class", [qdes.Matching, qdes.UnionFind])
def test_repetition_code_failure_rate_is_the_formula(decoder_class):
    p = 0.1
    circuit = qdes.Circuit(REPETITION_3.format(p=p))
    decoder = decoder_class.from_detector_error_model(circuit.detector_error_model())
    shots = 200_000
    dets, obs = circuit.compile_detector_sampler(seed=4).sample(shots, separate_observables=True)
    predicted = decoder.decode_batch(dets)
    assert predicted.shape == (shots, 1) and predicted.dtype == np.uint8
    rate = np.mean(predicted[:, 0] != obs[:, 0])
    expected = 3 * p**2 * (1 - p) + p**3
    sigma = np.sqrt(expected * (1 - expected) / shots)
    assert abs(rate - expected) < 5 * sigma, (rate, expected)


def test_decode_forms_agree():
    circuit = qdes.Circuit.generated("surface_code:rotated_memory_x", distance=5, rounds=5,
                                     after_clifford_depolarization=0.004, before_measure_flip_probability=0.004)
    dem = circuit.detector_error_model(decompose_errors=True)
    matching = qdes.Matching(dem)
    assert matching.method == "matching" and matching.num_detectors == dem.num_detectors
    assert matching.num_edges == matching.graph_report["edges"] > 0
    dets, obs = circuit.compile_detector_sampler(seed=9).sample(2000, separate_observables=True)
    batch = matching.decode_batch(dets)
    one_by_one = np.array([matching.decode(row) for row in dets])
    assert np.array_equal(batch, one_by_one)
    packed = circuit.compile_detector_sampler(seed=9).sample(2000, bit_packed=True)
    assert np.array_equal(matching.decode_batch(packed, bit_packed_shots=True), batch)
    assert np.array_equal(matching.decode_batch(dets, bit_packed_predictions=True), np.packbits(batch, axis=1,
                                                                                                bitorder="little"))
    # At d = 5 and p = 0.4% the decoders correct most shots that have detection events.
    failures = (batch != obs).any(axis=1).sum()
    assert dets.any(axis=1).sum() > 1000 and failures < 40
    union_find = qdes.Decoder(dem, method="union_find")
    assert (union_find.decode_batch(dets) != obs).any(axis=1).sum() < 60


def test_decoder_errors():
    circuit = qdes.Circuit(REPETITION_3.format(p=0.1))
    decoder = qdes.Matching(circuit.detector_error_model())
    with pytest.raises(ValueError, match="2 detection events"):
        decoder.decode(np.zeros(3, dtype=np.uint8))
    with pytest.raises(ValueError, match="2 columns"):
        decoder.decode_batch(np.zeros((4, 5), dtype=bool))
    with pytest.raises(ValueError, match="union_find|matching"):
        qdes.Decoder(circuit.detector_error_model(), method="belief")
    surface = qdes.Circuit.generated("surface_code:rotated_memory_x", distance=3, rounds=3,
                                     after_clifford_depolarization=0.01)
    with pytest.raises(ValueError, match="decompose"):
        qdes.Matching(surface.detector_error_model())  # Y errors flip four detectors: not graphlike


def test_bad_dem_names_the_line():
    with pytest.raises(qdes.DemFormatError) as e:
        qdes.DetectorErrorModel("error(0.1) D0\nerror(1.5) D1\n")
    assert e.value.line == 2 and "<string>:2" in str(e.value)
    assert isinstance(e.value, ValueError)
