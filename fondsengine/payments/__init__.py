"""The money path of a grant: payment requests and payments, proof of use, refunds, the cash book."""
