internal import Vitals
